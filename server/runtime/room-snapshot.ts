import { createHash } from 'node:crypto';
import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import type { ClientMachine } from '../client/machine.ts';
import type { RoomMachine } from '../room/machine.ts';
import type { Folded, PendingTimer } from './fold.ts';
import type { Machines } from './machines.ts';
import type { RoomReplay } from './replay.ts';

/** Bumped whenever the encoding below changes: an older snapshot is then ignored, not misread. */
const FORMAT = 1;

interface EncodedFolded {
  readonly value: unknown;
  readonly context: unknown;
  readonly status: string;
  readonly version: number;
  readonly timers: readonly PendingTimer[];
}

interface EncodedRoom {
  readonly slug: string;
  readonly room: EncodedFolded | null;
  readonly clients: ReadonlyArray<readonly [string, EncodedFolded]>;
  readonly lastAt: number;
}

export type RoomState = Pick<RoomReplay, 'slug' | 'room' | 'clients' | 'lastAt'>;

/**
 * What folded a snapshot: the format, both machines' definitions and their delays (pending timers'
 * due times depend on them). Any change makes old snapshots useless, and start-up replays the log.
 */
export function fingerprint(machines: Machines): string {
  const describe = (machine: AnyStateMachine) => ({ definition: machine.toJSON(), delays: machine.implementations.delays });
  return createHash('sha256')
    .update(JSON.stringify({ format: FORMAT, room: describe(machines.room), client: describe(machines.client) }))
    .digest('hex');
}

const encodeFolded = (folded: Folded<RoomMachine> | Folded<ClientMachine>): EncodedFolded => {
  const snapshot = folded.snapshot as { value: unknown; context: unknown; status: string };
  return { value: snapshot.value, context: snapshot.context, status: snapshot.status, version: folded.version, timers: [...folded.timers.values()] };
};

export function encodeRooms(rooms: Iterable<RoomState>): string {
  const encoded: EncodedRoom[] = [];
  for (const room of rooms) {
    encoded.push({
      slug: room.slug,
      room: room.room ? encodeFolded(room.room) : null,
      clients: [...room.clients].map(([id, folded]) => [id, encodeFolded(folded)] as const),
      lastAt: room.lastAt,
    });
  }
  return JSON.stringify({ format: FORMAT, rooms: encoded });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function decodeFolded<M extends RoomMachine | ClientMachine>(machine: M, value: unknown, where: string): Folded<M> {
  if (!isRecord(value) || !Number.isInteger(value.version) || !Array.isArray(value.timers) || !isRecord(value.context)) {
    throw new Error(`${where}: not a folded actor`);
  }
  const timers = new Map<string, PendingTimer>();
  for (const timer of value.timers as unknown[]) {
    if (!isRecord(timer) || typeof timer.id !== 'string' || typeof timer.eventType !== 'string' || typeof timer.dueAt !== 'number') {
      throw new Error(`${where}: a pending timer is malformed`);
    }
    timers.set(timer.id, { id: timer.id, eventType: timer.eventType, dueAt: timer.dueAt });
  }
  // resolveState throws on a state the machine does not have.
  const snapshot = (machine as AnyStateMachine).resolveState({ value: value.value as never, context: value.context, status: value.status as never });
  return { snapshot: snapshot as SnapshotFrom<M>, version: value.version as number, timers };
}

/** The rooms a snapshot holds; throws, naming what is wrong, on anything it cannot trust. */
export function decodeRooms(machines: Machines, data: string): RoomState[] {
  const parsed: unknown = JSON.parse(data);
  if (!isRecord(parsed) || parsed.format !== FORMAT || !Array.isArray(parsed.rooms)) throw new Error('not a room snapshot of this format');
  return parsed.rooms.map((room: unknown, i: number): RoomState => {
    if (!isRecord(room) || typeof room.slug !== 'string' || typeof room.lastAt !== 'number' || !Array.isArray(room.clients)) {
      throw new Error(`room ${i}: malformed`);
    }
    const clients = new Map<string, Folded<ClientMachine>>();
    for (const entry of room.clients as unknown[]) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new Error(`room ${room.slug}: a client is malformed`);
      clients.set(entry[0], decodeFolded(machines.client, entry[1], `client ${entry[0]}`));
    }
    return {
      slug: room.slug,
      room: room.room === null ? undefined : decodeFolded(machines.room, room.room, `room ${room.slug}`),
      clients,
      lastAt: room.lastAt,
    };
  });
}
