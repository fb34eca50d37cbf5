import { afterEach, describe, expect, it } from 'vitest';
import { sequentialIds } from '../services/ids.ts';
import { ManualClock } from '../services/manual-clock.ts';
import { RecordingConnection, testApp } from '../testing/test-app.ts';
import { configuredMachines } from './machines.ts';
import { replayRoom } from './replay.ts';

type TestApp = Awaited<ReturnType<typeof testApp>>;
const running: TestApp[] = [];
async function start(options: Parameters<typeof testApp>[0] = {}) {
  const t = await testApp(options);
  running.push(t);
  return t;
}
afterEach(async () => {
  for (const t of running.splice(0)) {
    await t.stop().catch(() => {});
    expect(t.fatal).toEqual([]);
  }
});

const settings = (slug: string, guestLimit: number | null = null) => ({ slug, name: slug, passwordHash: null, isPublic: false, guestLimit });

describe('room host', () => {
  it('gives exactly the live actors’ state when its stored log is replayed', async () => {
    const { app, clock } = await start();
    await app.registry.create(settings('replay'));
    const room = app.registry.get('replay')!;
    const [a, b, c] = await Promise.all([room.join(), room.join(), room.join()]);
    if (!a.ok || !b.ok || !c.ok) throw new Error('join failed');
    const [ca, cb, cc] = [new RecordingConnection(), new RecordingConnection(), new RecordingConnection()];
    await room.connect(a.clientId, ca);
    await room.connect(b.clientId, cb);
    await room.connect(c.clientId, cc);
    await room.changeUsername(a.clientId, 'Bill');
    room.relay(a.clientId, b.clientId, 'offer', { type: 'offer', sdp: 'v=0' }, null);
    room.broadcastChat(b.clientId, { from: 'Ted', time: 1, text: 'dust in the wind' });
    await room.disconnect(c.clientId, cc, 1006);
    clock.advance(25_000);
    await app.journal.drain();
    await room.bye(b.clientId);
    await app.journal.drain();

    const events = await app.eventLog.readRoom('replay');
    const replay = replayRoom(configuredMachines(app.config), 'replay', events);
    expect(replay.problems).toEqual([]);
    expect(replay.room!.snapshot.value).toEqual(room.state.value);
    expect(replay.room!.snapshot.context).toEqual(room.state.context);
    expect([...replay.clients.keys()]).toEqual([a.clientId]);
    expect(replay.clients.get(a.clientId)!.snapshot.value).toBe(room.clientState(a.clientId)!.value);
    expect(replay.clients.get(a.clientId)!.snapshot.context).toEqual(room.clientState(a.clientId)!.context);
    expect(events.map((e) => e.type)).toEqual([
      'RoomCreated',
      'ClientJoined', 'ClientAdmitted', 'ClientJoined', 'ClientAdmitted', 'ClientJoined', 'ClientAdmitted',
      'SocketConnected', 'SocketConnected', 'SocketConnected',
      'UsernameChanged', 'MessageRelayed', 'ChatBroadcast',
      'SocketDisconnected', 'xstate.after.reconnectGrace.client.disconnected', 'ClientLeft',
      'ClientSaidBye', 'ClientLeft',
    ]);
    expect(events.map((e) => e.globalPosition)).toEqual(events.map((_, i) => i + 1));
  });

  it('records relays and chat as metadata only: no SDP, no addresses, no text', async () => {
    const { app } = await start();
    await app.registry.create(settings('meta'));
    const room = app.registry.get('meta')!;
    const [a, b] = await Promise.all([room.join(), room.join()]);
    if (!a.ok || !b.ok) throw new Error('join failed');
    await room.connect(a.clientId, new RecordingConnection());
    const cb = new RecordingConnection();
    await room.connect(b.clientId, cb);
    const candidate = 'candidate:1 1 udp 2122260223 192.168.1.23 54321 typ srflx raddr 10.0.0.1 rport 1';
    room.relay(a.clientId, b.clientId, 'icecandidate', { candidate, sdpMid: '0', sdpMLineIndex: 0 }, 'srflx');
    room.broadcastChat(a.clientId, { from: 'Bill', time: 1, text: 'be excellent to each other' });
    await app.journal.drain();

    expect(cb.ofType('icecandidate')[0]?.data).toEqual({ candidate, sdpMid: '0', sdpMLineIndex: 0 });
    const stored = JSON.stringify(await app.eventLog.readRoom('meta'));
    expect(stored).not.toContain('192.168');
    expect(stored).not.toContain('excellent to each other');
    const relayed = (await app.eventLog.readRoom('meta')).find((e) => e.type === 'MessageRelayed')!;
    expect(relayed.data).toMatchObject({ messageType: 'icecandidate', to: b.clientId, candidateType: 'srflx' });
  });

  it('holds the guest limit under concurrent joins', async () => {
    const { app } = await start();
    await app.registry.create(settings('limited', 5));
    const room = app.registry.get('limited')!;
    const results = await Promise.all(Array.from({ length: 50 }, () => room.join()));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason === 'room-full')).toHaveLength(45);
  });

  it('rebuilds rooms after a restart and re-arms the timers that were pending', async () => {
    const clock = new ManualClock();
    const ids = sequentialIds();
    const first = await start({ clock, ids });
    await first.app.registry.create(settings('restart'));
    const room = first.app.registry.get('restart')!;
    const [a, b] = await Promise.all([room.join(), room.join()]);
    if (!a.ok || !b.ok) throw new Error('join failed');
    const ca = new RecordingConnection();
    await room.connect(a.clientId, ca);
    await room.connect(b.clientId, new RecordingConnection());
    await room.changeUsername(a.clientId, 'Bill');
    await first.app.shutdown();

    clock.advance(5_000);
    const second = await start({ clock, ids, dataDir: first.dataDir });
    const rebuilt = second.app.registry.get('restart')!;
    expect(rebuilt.participants()).toEqual([
      { id: a.clientId, username: 'Bill' },
      { id: b.clientId, username: 'Major Tom' },
    ]);
    // Sockets did not survive: both are disconnected now, with the grace counted from the restart.
    expect(rebuilt.clientState(a.clientId)!.value).toBe('disconnected');

    const back = new RecordingConnection();
    expect(await rebuilt.connect(a.clientId, back)).toBe(true);
    clock.advance(20_000);
    await second.app.journal.drain();
    expect(rebuilt.isMember(b.clientId)).toBe(false);
    expect(back.ofType('room-info').at(-1)?.data).toEqual({ room_id: 'restart', clients: [{ id: a.clientId, username: 'Bill' }] });
  });

  it('closes a room that stays empty for the idle time, even across a restart', async () => {
    const clock = new ManualClock();
    const ids = sequentialIds();
    const first = await start({ clock, ids, env: { ROOM_IDLE_SECONDS: '60' } });
    await first.app.registry.create(settings('idle'));
    await first.app.shutdown();
    clock.advance(30_000);
    const second = await start({ clock, ids, dataDir: first.dataDir, env: { ROOM_IDLE_SECONDS: '60' } });
    expect(second.app.registry.get('idle')).toBeDefined();
    clock.advance(30_000);
    await second.app.journal.drain();
    expect(second.app.registry.get('idle')).toBeUndefined();
    expect((await second.app.registry.create(settings('idle'))).ok).toBe(true);
  });

  it('closes a replaced socket with 4001 and keeps the seat', async () => {
    const { app } = await start();
    await app.registry.create(settings('replace'));
    const room = app.registry.get('replace')!;
    const a = await room.join();
    if (!a.ok) throw new Error('join failed');
    const first = new RecordingConnection();
    const second = new RecordingConnection();
    await room.connect(a.clientId, first);
    await room.connect(a.clientId, second);
    expect(first.closed?.code).toBe(4001);
    await room.disconnect(a.clientId, first, 1000);
    expect(room.clientState(a.clientId)!.value).toBe('connected');
  });
});
