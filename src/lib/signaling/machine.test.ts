import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { MAX_RECONNECT_TRIES, reconnectDelay } from './backoff.ts';
import type { ClientFrame, ServerFrame } from './frames.ts';
import { HEARTBEAT_INTERVAL_MS, PONG_TIMEOUT_MS, reconnectDelayFrom, signalingMachine, signalingStatus, type SignalingEmitted } from './machine.ts';
import type { SocketCommand, SocketInput } from './socket-actor.ts';

const OWN_ID = 'a'.repeat(32);
const OTHER_ID = 'b'.repeat(32);
const GC = 'ground control';

interface FakeSocket {
  readonly url: string;
  readonly sent: ClientFrame[];
  stopped: boolean;
  open(at: number): void;
  message(frame: ServerFrame): void;
  close(code: number, reason?: string): void;
}

/** Stands in for socket-actor.ts: each spawn is one FakeSocket the test drives by hand. */
function fakeSockets() {
  const sockets: FakeSocket[] = [];
  const logic = fromCallback<SocketCommand, SocketInput>(({ input, sendBack, receive }) => {
    const socket: FakeSocket = {
      url: input.url,
      sent: [],
      stopped: false,
      open: (at) => sendBack({ type: 'SOCKET.OPENED', at }),
      message: (frame) => sendBack({ type: 'SOCKET.MESSAGE', frame }),
      close: (code, reason = '') => sendBack({ type: 'SOCKET.CLOSED', code, reason }),
    };
    sockets.push(socket);
    receive((command) => socket.sent.push(command.message));
    return () => {
      socket.stopped = true;
    };
  });
  return { logic, sockets };
}

function startSignaling({ username = null, random = () => 0.5 }: { username?: string | null; random?: () => number } = {}) {
  const { logic, sockets } = fakeSockets();
  const clock = new SimulatedClock();
  const machine = signalingMachine.provide({ actors: { socket: logic }, delays: { reconnectDelay: reconnectDelayFrom(random) } });
  const actor = createActor(machine, { input: { url: 'ws://camus.test/room/a/ws', username }, clock });
  const emitted: SignalingEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  const current = () => sockets.at(-1)!;
  return {
    actor,
    clock,
    sockets,
    current,
    emitted,
    status: () => signalingStatus(actor.getSnapshot()),
    context: () => actor.getSnapshot().context,
    received: () => emitted.flatMap((e) => (e.type === 'received' ? [e.frame] : [])),
    dropped: () => emitted.flatMap((e) => (e.type === 'dropped' ? [e.message] : [])),
  };
}

const pong = (data: number, receiver = OWN_ID): ServerFrame => ({ sender: GC, receiver, type: 'pong', data });
const roomInfo = (...ids: string[]): ServerFrame => ({
  sender: GC,
  receiver: OWN_ID,
  type: 'room-info',
  data: { room_id: 'a', clients: ids.map((id) => ({ id, username: 'Major Tom' })) },
});
const chat = (text: string): ServerFrame => ({ sender: OTHER_ID, receiver: 'room', type: 'text', data: { from: 'B', time: 1, text } });

const resyncFrames = (at: number, username?: string): ClientFrame[] => [
  { receiver: GC, type: 'ping', data: at },
  { receiver: GC, type: 'get-ice-servers' },
  { receiver: GC, type: 'get-room-info' },
  ...(username ? [{ receiver: GC, type: 'profile', data: { username } } as ClientFrame] : []),
];

/** Advances the clock to just before and then exactly at the expected delay, checking a try starts only then. */
function expectTryAfter(s: ReturnType<typeof startSignaling>, delay: number) {
  const before = s.sockets.length;
  if (delay > 0) {
    s.clock.increment(delay - 1);
    expect(s.sockets.length, `no try before ${delay} ms`).toBe(before);
    s.clock.increment(1);
  } else {
    s.clock.increment(0);
  }
  expect(s.sockets.length, `a try at ${delay} ms`).toBe(before + 1);
}

describe('signaling: connecting and re-sync', () => {
  it('opens the room socket and re-syncs in order: ping (open time), ice servers, room info', () => {
    const s = startSignaling();
    expect(s.status()).toBe('connecting');
    expect(s.current().url).toBe('ws://camus.test/room/a/ws');
    s.current().open(1_700_000_000_123);
    expect(s.status()).toBe('open');
    expect(s.current().sent).toEqual(resyncFrames(1_700_000_000_123));
  });

  it('adds profile when a username is set', () => {
    const s = startSignaling({ username: 'Ziggy' });
    s.current().open(42);
    expect(s.current().sent).toEqual(resyncFrames(42, 'Ziggy'));
  });

  it('re-syncs on every open, with a username set while reconnecting', () => {
    const s = startSignaling();
    s.current().open(1);
    s.current().close(1006);
    s.actor.send({ type: 'SET_USERNAME', username: 'Stardust' });
    expectTryAfter(s, 500);
    s.current().open(2);
    expect(s.current().sent).toEqual(resyncFrames(2, 'Stardust'));
    s.current().close(1001);
    expectTryAfter(s, 500);
    s.current().open(3);
    expect(s.current().sent).toEqual(resyncFrames(3, 'Stardust'));
  });

  it('sends profile at once when the username changes while open', () => {
    const s = startSignaling();
    s.current().open(1);
    s.actor.send({ type: 'SET_USERNAME', username: 'Ziggy' });
    expect(s.current().sent.at(-1)).toEqual({ receiver: GC, type: 'profile', data: { username: 'Ziggy' } });
  });
});

describe('signaling: heartbeat (SimulatedClock)', () => {
  const ping = (data: number): ClientFrame => ({ receiver: GC, type: 'ping', data });

  it('pings every heartbeatInterval while open and stays open as long as each pong comes back', () => {
    const s = startSignaling();
    s.current().open(1_000);
    s.current().message(pong(1_000));
    s.clock.increment(HEARTBEAT_INTERVAL_MS - 1);
    expect(s.current().sent).toEqual(resyncFrames(1_000));
    s.clock.increment(1);
    expect(s.current().sent.at(-1)).toEqual(ping(1_001));
    s.clock.increment(PONG_TIMEOUT_MS - 1);
    s.current().message(pong(1_001));
    s.clock.increment(PONG_TIMEOUT_MS * 2);
    expect(s.status()).toBe('open');
    s.clock.increment(HEARTBEAT_INTERVAL_MS - PONG_TIMEOUT_MS * 2);
    expect(s.current().sent.at(-1)).toEqual(ping(1_002));
    s.current().message(pong(1_002));
    expect(s.status()).toBe('open');
    expect(s.sockets).toHaveLength(1);
    // The heartbeat pongs are passed on like any frame, and do not change the id.
    expect(s.received().filter((f) => f.type === 'pong')).toHaveLength(3);
    expect(s.context().ownId).toBe(OWN_ID);
  });

  it('no pong within pongTimeout: drops the socket and reconnects with backoff, keeping its id', () => {
    const s = startSignaling();
    s.current().open(1_000);
    s.current().message(pong(1_000));
    s.clock.increment(HEARTBEAT_INTERVAL_MS);
    // Another frame (or a pong that is not ours) is no answer.
    s.current().message(chat('still here?'));
    s.current().message(pong(999));
    s.clock.increment(PONG_TIMEOUT_MS - 1);
    expect(s.status()).toBe('open');
    s.clock.increment(1);
    expect(s.status()).toBe('reconnecting');
    expect(s.sockets[0]!.stopped).toBe(true);
    expect(s.context().retry).toBe(1);
    expect(s.context().lastClose).toEqual({ code: 1006, reason: 'no pong within 5 s' });
    expect(s.context().closeReason).toBeNull();
    expectTryAfter(s, 500);
    s.current().open(2_000);
    expect(s.status()).toBe('open');
    expect(s.current().sent).toEqual(resyncFrames(2_000));
    expect(s.context().ownId).toBe(OWN_ID);
    // The new socket's heartbeat starts over from its own open time.
    s.clock.increment(HEARTBEAT_INTERVAL_MS);
    expect(s.current().sent.at(-1)).toEqual(ping(2_001));
  });

  it('sends no heartbeat while connecting or reconnecting', () => {
    const s = startSignaling();
    s.current().open(1);
    s.current().close(1006);
    s.clock.increment(400);
    expect(s.sockets[0]!.sent).toEqual(resyncFrames(1));
  });
});

describe('signaling: own id', () => {
  it('learns its id from the first pong, once', () => {
    const s = startSignaling();
    s.current().open(77);
    expect(s.context().ownId).toBeNull();
    s.current().message(pong(77));
    expect(s.context().ownId).toBe(OWN_ID);
    s.current().message(pong(77, OTHER_ID));
    expect(s.context().ownId).toBe(OWN_ID);
    expect(s.emitted.filter((e) => e.type === 'identified')).toEqual([{ type: 'identified', ownId: OWN_ID }]);
  });

  it('ignores a pong that does not echo our ping', () => {
    const s = startSignaling();
    s.current().open(77);
    s.current().message(pong(78));
    expect(s.context().ownId).toBeNull();
  });

  it('keeps its id across a reconnect', () => {
    const s = startSignaling();
    s.current().open(1);
    s.current().message(pong(1));
    s.current().close(1006);
    expectTryAfter(s, 500);
    s.current().open(2);
    expect(s.context().ownId).toBe(OWN_ID);
  });
});

describe('signaling: frames in and out', () => {
  it('forwards every frame exactly once, in order, across reconnects', () => {
    const s = startSignaling();
    s.current().open(1);
    const first = [pong(1), roomInfo(OWN_ID, OTHER_ID), chat('one'), chat('two')];
    first.forEach((f) => s.current().message(f));
    s.current().close(1006);
    expectTryAfter(s, 500);
    s.current().open(2);
    const second = [chat('three'), roomInfo(OWN_ID)];
    second.forEach((f) => s.current().message(f));
    expect(s.received()).toEqual([...first, ...second]);
    expect(s.context().roomInfo?.clients.map((c) => c.id)).toEqual([OWN_ID]);
  });

  it('sends SEND while open', () => {
    const s = startSignaling();
    s.current().open(1);
    const text: ClientFrame = { receiver: 'room', type: 'text', data: { from: 'A', time: 5, text: 'hi' } };
    s.actor.send({ type: 'SEND', message: text });
    expect(s.current().sent.at(-1)).toEqual(text);
    expect(s.dropped()).toEqual([]);
  });

  it('refuses SEND while connecting or reconnecting, and says so', () => {
    const s = startSignaling();
    const text: ClientFrame = { receiver: 'room', type: 'text', data: { from: 'A', time: 5, text: 'hi' } };
    s.actor.send({ type: 'SEND', message: text });
    s.current().open(1);
    s.current().close(1006);
    expect(s.status()).toBe('reconnecting');
    s.actor.send({ type: 'SEND', message: text });
    expectTryAfter(s, 500);
    s.actor.send({ type: 'SEND', message: text });
    expect(s.dropped()).toEqual([text, text, text]);
    expect(s.sockets.flatMap((k) => k.sent).filter((m) => m.type === 'text')).toEqual([]);
  });
});

describe('signaling: reconnecting with backoff', () => {
  it('waits 0–1 s, 3 s, 5 s, then 7 s (random 0.5 = no jitter), and gives up after 10 tries', () => {
    const s = startSignaling({ random: () => 0.5 });
    s.current().open(1);
    s.current().close(1006);
    const expected = [500, 3000, 5000, 7000, 7000, 7000, 7000, 7000, 7000, 7000];
    expected.forEach((delay, i) => {
      expect(s.status()).toBe('reconnecting');
      expect(s.context().retry).toBe(i + 1);
      expectTryAfter(s, delay);
      s.current().close(1006);
    });
    expect(s.sockets).toHaveLength(1 + MAX_RECONNECT_TRIES);
    expect(s.status()).toBe('closed');
    expect(s.context().closeReason).toBe('gave-up');
    s.clock.increment(60_000);
    expect(s.sockets).toHaveLength(1 + MAX_RECONNECT_TRIES);
    expect(s.sockets.every((k) => k.stopped)).toBe(true);
  });

  it('applies -50% jitter at random 0', () => {
    const s = startSignaling({ random: () => 0 });
    s.current().close(1006); // the first connection fails too: it counts like a drop
    [0, 1500, 2500, 3500, 3500].forEach((delay) => {
      expectTryAfter(s, delay);
      s.current().close(1006);
    });
  });

  it('applies +50% jitter as random approaches 1', () => {
    const s = startSignaling({ random: () => 0.9999 });
    s.current().close(1006);
    [1000, 4500, 7500, 10499].forEach((delay) => {
      expectTryAfter(s, delay);
      s.current().close(1006);
    });
  });

  it('keeps every delay inside its jitter bounds', () => {
    const bounds = (n: number): [number, number] =>
      n === 1 ? [0, 1000] : [[3000, 5000, 7000][Math.min(n - 2, 2)]! * 0.5, [3000, 5000, 7000][Math.min(n - 2, 2)]! * 1.5];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_RECONNECT_TRIES }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
        const [low, high] = bounds(n);
        const delay = reconnectDelay(n, () => r);
        return delay >= low && delay <= high;
      }),
    );
  });

  it('resets the tries after a successful open', () => {
    const s = startSignaling();
    s.current().open(1);
    s.current().close(1006);
    expectTryAfter(s, 500);
    s.current().close(1006);
    expectTryAfter(s, 3000);
    s.current().open(2);
    expect(s.context().retry).toBe(0);
    s.current().close(1011);
    expect(s.context().retry).toBe(1);
    expectTryAfter(s, 500);
  });

  it('counts a socket that never opens within connectTimeout as a failed try', () => {
    const s = startSignaling();
    s.clock.increment(10_000);
    expect(s.status()).toBe('reconnecting');
    expect(s.sockets[0]!.stopped).toBe(true);
    expectTryAfter(s, 500);
    s.clock.increment(10_000);
    expect(s.context().retry).toBe(2);
    expectTryAfter(s, 3000);
  });

  it('starts again on RETRY after giving up', () => {
    const s = startSignaling();
    s.current().close(1006);
    for (const delay of [500, 3000, 5000, 7000, 7000, 7000, 7000, 7000, 7000, 7000]) {
      expectTryAfter(s, delay);
      s.current().close(1006);
    }
    expect(s.context().closeReason).toBe('gave-up');
    s.actor.send({ type: 'RETRY' });
    expect(s.status()).toBe('connecting');
    expect(s.sockets).toHaveLength(12);
    s.current().open(9);
    expect(s.current().sent).toEqual(resyncFrames(9));
    s.current().close(1006);
    expect(s.context().retry).toBe(1);
  });

  it.each([1001, 1006, 1011, 1012, 4000])('reconnects after close code %i', (code) => {
    const s = startSignaling();
    s.current().open(1);
    s.current().close(code);
    expect(s.status()).toBe('reconnecting');
    expectTryAfter(s, 500);
  });
});

describe('signaling: closes that end the session', () => {
  it.each([
    [1000, 'left'],
    [4001, 'replaced'],
    [4003, 'expired'],
    [1008, 'refused'],
  ] as const)('close %i → closed %s, never reconnects', (code, reason) => {
    for (const openFirst of [true, false]) {
      const s = startSignaling();
      if (openFirst) s.current().open(1);
      s.current().close(code, 'why');
      expect(s.status()).toBe('closed');
      expect(s.context().closeReason).toBe(reason);
      expect(s.context().lastClose).toEqual({ code, reason: 'why' });
      s.clock.increment(120_000);
      expect(s.sockets).toHaveLength(1);
    }
  });

  it('also ends a reconnect try on 4003', () => {
    const s = startSignaling();
    s.current().open(1);
    s.current().close(1006);
    expectTryAfter(s, 500);
    s.current().close(4003);
    expect(s.context().closeReason).toBe('expired');
    s.clock.increment(120_000);
    expect(s.sockets).toHaveLength(2);
  });

  it('RETRY after replaced takes the seat back; after expired or left it does nothing', () => {
    const replaced = startSignaling();
    replaced.current().open(1);
    replaced.current().close(4001);
    replaced.actor.send({ type: 'RETRY' });
    expect(replaced.status()).toBe('connecting');
    expect(replaced.sockets).toHaveLength(2);

    for (const code of [4003, 1000]) {
      const s = startSignaling();
      s.current().open(1);
      s.current().close(code);
      s.actor.send({ type: 'RETRY' });
      expect(s.status()).toBe('closed');
      expect(s.sockets).toHaveLength(1);
    }
  });

  it('LEAVE says bye and closes on the server’s 1000', () => {
    const s = startSignaling();
    s.current().open(1);
    s.actor.send({ type: 'LEAVE' });
    expect(s.status()).toBe('leaving');
    expect(s.current().sent.at(-1)).toEqual({ receiver: GC, type: 'bye' });
    s.current().close(1000);
    expect(s.status()).toBe('closed');
    expect(s.context().closeReason).toBe('left');
    expect(s.current().stopped).toBe(true);
  });

  it('LEAVE closes by itself if the server does not', () => {
    const s = startSignaling();
    s.current().open(1);
    s.actor.send({ type: 'LEAVE' });
    s.clock.increment(2_000);
    expect(s.context().closeReason).toBe('left');
    expect(s.current().stopped).toBe(true);
  });

  it('LEAVE while reconnecting stops at once; LEAVE when closed keeps the first reason', () => {
    const s = startSignaling();
    s.current().open(1);
    s.current().close(1006);
    s.actor.send({ type: 'LEAVE' });
    expect(s.context().closeReason).toBe('left');
    s.clock.increment(60_000);
    expect(s.sockets).toHaveLength(1);

    const t = startSignaling();
    t.current().close(4001);
    t.actor.send({ type: 'LEAVE' });
    expect(t.context().closeReason).toBe('replaced');
  });
});
