// Bad frames of every kind: a precise error, the socket kept open, nothing written to the event log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, databaseFor, eventLogState, readEvents } from '../support/postgres-url.ts';
import { createRoom } from '../support/admission.ts';
import { fakeCandidate, fakeSdp } from '../support/fake-signals.ts';
import { GROUND_CONTROL, closeAll, joinAll, roomInfoIds, type ProtocolClient } from '../support/protocol-client.ts';
import { killLeftovers, leakedSecrets, secretCount, startServer, type RunningServer } from '../support/server.ts';

afterAll(killLeftovers);

const NOBODY = '0123456789abcdef0123456789abcdef';
const SILENCE_MS = 300;
const ping = { receiver: GROUND_CONTROL, type: 'ping', data: 1 };
const offerTo = (receiver: string, sdp = fakeSdp('offer', 'badinput')) => ({ receiver, type: 'offer', data: { type: 'offer', sdp } });

type Peers = { a: ProtocolClient; b: ProtocolClient };
const cases: [string, (p: Peers) => string | Buffer, (p: Peers) => string][] = [
  ['malformed JSON', () => '{"receiver":"ground control","type":"ping",', () => 'Malformed JSON'],
  ['a JSON array', () => JSON.stringify([ping]), () => 'A message must be a JSON object'],
  ['a JSON string', () => '"ping"', () => 'A message must be a JSON object'],
  ['a JSON number', () => '42', () => 'A message must be a JSON object'],
  ['JSON null', () => 'null', () => 'A message must be a JSON object'],
  ['a binary frame', () => Buffer.from(JSON.stringify(ping)), () => 'Binary frames are not supported; send JSON text'],
  ['an offer without receiver', () => JSON.stringify({ type: 'offer', data: { type: 'offer', sdp: fakeSdp('offer', 'norecv') } }), () => 'Invalid offer message: receiver: is missing'],
  ['a ping without receiver', () => JSON.stringify({ type: 'ping', data: 1 }), () => 'Invalid ping message: receiver: is missing'],
  ['an offer to an id not in the room', () => JSON.stringify(offerTo(NOBODY)), () => `Unknown receiver: ${NOBODY}`],
  [
    'a text to an id not in the room',
    () => JSON.stringify({ receiver: NOBODY, type: 'text', data: { from: 'Ted', time: 1, text: 'hello nobody at all' } }),
    () => `Unknown receiver: ${NOBODY}`,
  ],
  ['an icecandidate to an id not in the room', () => JSON.stringify({ receiver: NOBODY, type: 'icecandidate', data: fakeCandidate(1) }), () => `Unknown receiver: ${NOBODY}`],
  ['an offer to "room"', () => JSON.stringify(offerTo('room')), () => 'Invalid offer message: receiver: Expected a client id (32 lowercase hex digits)'],
  ['a message without type', () => JSON.stringify({ receiver: GROUND_CONTROL, data: 1 }), () => 'Missing field: type'],
  ['a non-string type', () => JSON.stringify({ receiver: GROUND_CONTROL, type: 7 }), () => 'Field "type" must be a string'],
  [
    'an sdp over 32 KiB (in a frame under 64 KiB)',
    ({ b }) => JSON.stringify(offerTo(b.id, 'v'.repeat(32 * 1024 + 1))),
    () => 'Invalid offer message: data.sdp: Expected a string at most 32768 character(s) long',
  ],
  ['a ping whose data is not a number', () => JSON.stringify({ ...ping, data: 'now' }), () => 'Invalid ping message: data: Expected number'],
  [
    'a blank username',
    () => JSON.stringify({ receiver: GROUND_CONTROL, type: 'profile', data: { username: '   ' } }),
    () => 'Invalid profile message: data.username: username must not be blank',
  ],
  ['an icecandidate without candidate', ({ b }) => JSON.stringify({ receiver: b.id, type: 'icecandidate', data: {} }), () => 'Invalid icecandidate message: data.candidate: is missing'],
  ['a __proto__ key', () => '{"receiver":"ground control","type":"ping","data":1,"__proto__":{"polluted":true}}', () => 'Forbidden key: __proto__'],
  ['nesting deeper than 4 levels', () => JSON.stringify({ ...ping, x: { a: { b: { c: {} } } } }), () => 'Message nested deeper than 4 levels'],
];

describe.each(DATABASES)('bad input (%s)', (kind) => {
  let server: RunningServer;
  const clients: ProtocolClient[] = [];
  let rooms = 0;

  beforeAll(async () => {
    server = await startServer({ database: await databaseFor(kind) });
  });
  afterAll(async () => {
    await closeAll(clients);
    await server?.stop();
  });

  const people = async (count: number): Promise<ProtocolClient[]> => {
    const joined = await joinAll(server, await createRoom(server.baseUrl, `Bad ${kind} ${++rooms}`), count);
    clients.push(...joined);
    return joined;
  };

  /**
   * A profile change is committed before its room-info goes out, and the log is written in order: once the
   * room-info arrives, anything recorded before it is in the log too.
   */
  const barrier = async (sender: ProtocolClient, everyone: readonly ProtocolClient[], username: string) => {
    sender.send({ receiver: GROUND_CONTROL, type: 'profile', data: { username } });
    await Promise.all(everyone.map((c) => c.next((f) => f.type === 'room-info' && JSON.stringify(f.data).includes(username))));
  };

  it.each(cases)('%s → a precise error, the socket stays open, nothing is logged', async (_name, frame, reason) => {
    const [a, b] = (await people(2)) as [ProtocolClient, ProtocolClient];
    const before = await eventLogState(server);

    const bad = frame({ a, b });
    a.sendRaw(bad);
    const error = await a.next('error');
    expect(a.raw(error)).toBe(JSON.stringify({ sender: 'ground control', receiver: a.id, type: 'error', data: reason({ a, b }) }));
    await a.ping();
    expect(a.isOpen).toBe(true);
    await b.expectNothing(() => true, SILENCE_MS);

    await barrier(a, [a, b], 'After The Bad One');
    expect((await readEvents(server, before.last)).map((e) => e.type)).toEqual(['UsernameChanged']);
    await a.expectNothing('error', 0);
  });

  it('room isolation: a client in room B can never reach a client in room A (offer, text, bye, icecandidate)', async () => {
    const [x, x2] = (await people(2)) as [ProtocolClient, ProtocolClient];
    const [y] = (await people(1)) as [ProtocolClient];
    const before = await eventLogState(server);

    const attempts = [
      offerTo(x.id),
      { receiver: x.id, type: 'text', data: { from: 'Intruder', time: 1, text: 'let me into the other room' } },
      { receiver: x.id, type: 'bye', data: 1615919897795 },
      { receiver: x.id, type: 'icecandidate', data: fakeCandidate(3) },
      { receiver: x.id, type: 'answer', data: { type: 'answer', sdp: fakeSdp('answer', 'intruder') } },
    ];
    for (const attempt of attempts) {
      y.send({ ...attempt, sender: x2.id });
      const error = await y.next('error');
      expect(y.raw(error)).toBe(`{"sender":"ground control","receiver":"${y.id}","type":"error","data":"Unknown receiver: ${x.id}"}`);
    }
    await y.ping();
    await Promise.all([x.expectNothing(() => true, SILENCE_MS), x2.expectNothing(() => true, 0)]);

    // x is still in room A and reachable from there.
    x2.send({ receiver: GROUND_CONTROL, type: 'get-room-info' });
    expect(roomInfoIds(await x2.next('room-info'))).toEqual([x.id, x2.id]);
    x2.send({ receiver: x.id, type: 'bye', data: 1 });
    expect((await x.next('bye')).sender).toBe(x2.id);

    await barrier(y, [y], 'Barrier In B');
    const appended = await readEvents(server, before.last);
    // Only x2's relayed bye and y's profile: nothing from the refused attempts.
    expect(appended.map((e) => `${e.room}:${e.type}`)).toEqual([`${x.admission!.slug}:MessageRelayed`, `${y.admission!.slug}:UsernameChanged`]);
  });

  it('a frame over 64 KiB is closed with 1009 and reaches no one', async () => {
    const [a, b] = (await people(2)) as [ProtocolClient, ProtocolClient];
    const before = await eventLogState(server);
    a.sendRaw(JSON.stringify(offerTo(b.id, 'x'.repeat(64 * 1024))));
    const closed = await a.waitClosed();
    expect(closed.code).toBe(1009);
    await b.expectNothing('offer', SILENCE_MS);
    await b.ping();
    // The close is the only fact: the socket went away (its seat is held for the reconnect grace).
    const deadline = Date.now() + 3000;
    let types: string[] = [];
    while (Date.now() < deadline) {
      types = (await readEvents(server, before.last)).map((e) => e.type);
      if (types.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(types).toEqual(['SocketDisconnected']);
  });

  it('a text frame that is not UTF-8 is closed with 1007; the server keeps serving', async () => {
    const [a, b] = (await people(2)) as [ProtocolClient, ProtocolClient];
    a.sendRaw(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
    expect((await a.waitClosed()).code).toBe(1007);
    await b.ping();
    const [c] = await people(1);
    await c!.ping();
  });

  it('11 bad messages within a minute: each gets its error, then the socket is closed with 1008', async () => {
    const [a, b] = (await people(2)) as [ProtocolClient, ProtocolClient];
    for (let i = 1; i <= 10; i++) {
      a.sendRaw(`{not json ${i}`);
      expect((await a.next('error')).data).toBe('Malformed JSON');
    }
    await a.ping();
    a.sendRaw('{not json 11');
    expect((await a.next('error')).data).toBe('Malformed JSON');
    const closed = await a.waitClosed();
    expect(closed).toEqual({ code: 1008, reason: 'too many invalid messages' });
    await b.ping();
  });

  it('the server log holds no password, session cookie, SDP or chat text', () => {
    expect(secretCount()).toBeGreaterThan(20);
    expect(leakedSecrets([server])).toEqual([]);
  });
});
