/**
 * A realistic event log, made by folding every event through the real machines (the same `step` the
 * host uses), so the log is one the server could have written: rooms are created, people join,
 * connect, name themselves, negotiate (offers, answers, candidates both ways), chat, drop and come
 * back, leave; empty rooms close. About 40 rooms run at once, interleaved, as in a live log. The last
 * rooms are cut off mid-call, so a restart finds connected people to rebuild.
 */
import { randomUUID } from 'node:crypto';
import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import { RECONNECT_GRACE_EXPIRED, type CandidateType, type ClientEvent } from '../../server/client/events.ts';
import type { ClientMachine } from '../../server/client/machine.ts';
import { ROOM_IDLE_EXPIRED, type RoomEvent } from '../../server/room/events.ts';
import { start, step, type Folded } from '../../server/runtime/fold.ts';
import { configuredMachines, type Machines } from '../../server/runtime/machines.ts';
import { clientFoldOptions, clientStream, roomStream } from '../../server/runtime/streams.ts';
import type { RecordedEvent } from '../../server/store/recorded-event.ts';
import { timeOrderedUuid } from '../../server/services/ids.ts';

/** A small seeded PRNG (mulberry32), so the same size gives the same log. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONCURRENT_ROOMS = 40;
/** Mean gap between consecutive events of the whole log, ms. */
const MEAN_GAP_MS = 25;

export function machinesForLog(): Machines {
  return configuredMachines({ roomIdleMs: 300_000, reconnectGraceMs: 20_000, connectTimeoutMs: 20_000 });
}

/** Yields `total` events in global order; `at` times end about now. */
export function* realisticLog(total: number, seed = 1): Generator<RecordedEvent> {
  const rnd = random(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const machines = machinesForLog();
  let now = Date.now() - total * MEAN_GAP_MS;
  let position = 0;
  const rooms = new Map<string, Folded<AnyStateMachine>>();
  const clients = new Map<string, Folded<ClientMachine>>();

  const record = (streamId: string, room: string, event: RoomEvent | ClientEvent, folded: Folded<AnyStateMachine>): RecordedEvent => ({
    globalPosition: ++position,
    streamId,
    streamPosition: folded.version,
    eventId: timeOrderedUuid(event.at),
    room,
    type: event.type,
    data: event as unknown as RecordedEvent['data'],
    recordedAt: event.at,
  });

  function roomEvent(slug: string, event: RoomEvent): RecordedEvent {
    const before = rooms.get(slug) ?? start(machines.room, { slug }, event.at);
    const result = step(machines.room, before, event);
    if (!result.accepted) throw new Error(`log generator: room ${slug} refused ${event.type}`);
    rooms.set(slug, result.folded);
    return record(roomStream(slug), slug, event, result.folded);
  }

  function clientEvent(slug: string, clientId: string, event: ClientEvent): RecordedEvent {
    const before = clients.get(clientId) ?? start(machines.client, { clientId, room: slug }, event.at);
    const result = step(machines.client, before, event, clientFoldOptions);
    if (!result.accepted) {
      throw new Error(`log generator: client refused ${event.type} in ${JSON.stringify((before.snapshot as SnapshotFrom<ClientMachine>).value)}`);
    }
    if ((result.folded.snapshot as SnapshotFrom<ClientMachine>).status === 'done') clients.delete(clientId);
    else clients.set(clientId, result.folded);
    return record(clientStream(clientId), slug, event, result.folded);
  }

  const candidateTypes: CandidateType[] = ['host', 'host', 'srflx', 'srflx', 'relay'];

  /** One room's life, one event per `yield`. */
  function* roomLife(index: number): Generator<RecordedEvent> {
    const slug = `bench-room-${index}`;
    const people = 2 + int(5);
    yield roomEvent(slug, {
      type: 'RoomCreated',
      at: now,
      slug,
      name: `Bench room ${index}`,
      passwordHash: rnd() < 0.3 ? 'scrypt$bench$not-a-real-hash' : null,
      isPublic: rnd() < 0.2,
      guestLimit: rnd() < 0.3 ? 10 : null,
    });
    const present: string[] = [];
    const connected = new Set<string>();
    const relay = function* (from: string, to: string, messageType: 'offer' | 'answer' | 'icecandidate' | 'text' | 'bye') {
      if (!connected.has(from)) return;
      const candidateType = messageType === 'icecandidate' ? candidateTypes[int(candidateTypes.length)]! : null;
      const bytes = messageType === 'offer' || messageType === 'answer' ? 4000 + int(8000) : 200 + int(100);
      yield clientEvent(slug, from, { type: 'MessageRelayed', at: now, messageType, to, bytes, candidateType });
    };
    const negotiate = function* (a: string, b: string) {
      yield* relay(a, b, 'offer');
      yield* relay(b, a, 'answer');
      for (let i = 0; i < 6; i++) {
        yield* relay(a, b, 'icecandidate');
        yield* relay(b, a, 'icecandidate');
      }
    };
    for (let p = 0; p < people; p++) {
      const clientId = randomUUID().replaceAll('-', '');
      yield roomEvent(slug, { type: 'ClientJoined', at: now, clientId });
      yield clientEvent(slug, clientId, { type: 'ClientAdmitted', at: now, clientId, room: slug });
      yield clientEvent(slug, clientId, { type: 'SocketConnected', at: now });
      connected.add(clientId);
      yield clientEvent(slug, clientId, { type: 'UsernameChanged', at: now, username: `Person ${p + 1}` });
      for (const other of present) yield* negotiate(clientId, other);
      present.push(clientId);
    }
    // The call: chat, renegotiations and a dropped connection or two.
    for (let round = 0, rounds = 4 + int(8); round < rounds; round++) {
      const who = present[int(present.length)]!;
      const roll = rnd();
      if (roll < 0.5) {
        if (connected.has(who)) yield clientEvent(slug, who, { type: 'ChatBroadcast', at: now, bytes: 150 + int(200), recipients: connected.size });
      } else if (roll < 0.8) {
        const other = present.find((id) => id !== who)!;
        yield* negotiate(who, other);
      } else if (connected.has(who)) {
        yield clientEvent(slug, who, { type: 'SocketDisconnected', at: now, cause: 1006 });
        connected.delete(who);
        yield clientEvent(slug, who, { type: 'SocketConnected', at: now });
        connected.add(who);
        for (const other of present) if (other !== who) yield* negotiate(who, other);
      }
    }
    // Everyone leaves: most say bye, some just vanish and their grace runs out.
    for (const who of present) {
      if (rnd() < 0.8) {
        yield clientEvent(slug, who, { type: 'ClientSaidBye', at: now });
        connected.delete(who);
        yield roomEvent(slug, { type: 'ClientLeft', at: now, clientId: who, reason: 'bye' });
      } else {
        yield clientEvent(slug, who, { type: 'SocketDisconnected', at: now, cause: 1001 });
        connected.delete(who);
        yield clientEvent(slug, who, { type: RECONNECT_GRACE_EXPIRED, at: now });
        yield roomEvent(slug, { type: 'ClientLeft', at: now, clientId: who, reason: 'connection-lost' });
      }
    }
    yield roomEvent(slug, { type: ROOM_IDLE_EXPIRED, at: now });
    rooms.delete(slug);
  }

  let nextRoom = 0;
  const active: Generator<RecordedEvent>[] = [];
  while (position < total) {
    while (active.length < CONCURRENT_ROOMS) active.push(roomLife(nextRoom++));
    const pick = int(active.length);
    const next = active[pick]!.next();
    if (next.done) {
      active.splice(pick, 1);
      continue;
    }
    now += 1 + int(2 * MEAN_GAP_MS - 1);
    yield next.value;
  }
}
