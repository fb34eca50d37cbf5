// Snapshots are a cache: start-up through one must give exactly what replaying the whole log gives,
// and a snapshot it cannot trust must be ignored, not believed. Real SQLite file, real machine-made log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Effect, Layer, ManagedRuntime } from 'effect';
import { afterAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { machinesForLog, realisticLog } from '../../bench/store/log.ts';
import { databaseLayer } from '../store/database.ts';
import { EventStore } from '../store/event-store.ts';
import type { RecordedEvent } from '../store/recorded-event.ts';
import { SnapshotStore, SqlSnapshotStoreLive, type StoredSnapshot } from '../store/snapshot-store.ts';
import { SqlEventStoreLive } from '../store/sql-event-store.ts';
import { configuredMachines } from './machines.ts';
import { encodeRooms, fingerprint } from './room-snapshot.ts';
import { foldLog, type LogSource } from './start-up-fold.ts';

const root = mkdtempSync(join(tmpdir(), 'camus-start-up-fold-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const machines = machinesForLog();
const log = [...realisticLog(6_000, 7)];

describe('foldLog', () => {
  let runtime: ManagedRuntime.ManagedRuntime<EventStore | SnapshotStore, unknown>;
  beforeEach(() => {
    const database = databaseLayer({ dataDir: mkdtempSync(join(root, 'db-')) });
    runtime = ManagedRuntime.make(Layer.merge(SqlEventStoreLive, SqlSnapshotStoreLive).pipe(Layer.provide(database)));
  });
  afterEach(() => runtime.dispose());

  const append = async (events: readonly RecordedEvent[]) => {
    for (let i = 0; i < events.length; i += 1_000) await runtime.runPromise(Effect.flatMap(EventStore, (s) => s.append(events.slice(i, i + 1_000))));
  };
  const source = async (options: { snapshots?: boolean } = {}): Promise<LogSource> => {
    const lastPosition = await runtime.runPromise(Effect.flatMap(EventStore, (s) => s.lastGlobalPosition));
    const useSnapshots = options.snapshots ?? true;
    return {
      lastPosition,
      readPage: (after, limit) => runtime.runPromise(Effect.flatMap(EventStore, (s) => s.readPage(after, limit))),
      latestSnapshot: async () => (useSnapshots ? runtime.runPromise(Effect.flatMap(SnapshotStore, (s) => s.latest)) : undefined),
      saveSnapshot: async (snapshot) => {
        if (useSnapshots) await runtime.runPromise(Effect.flatMap(SnapshotStore, (s) => s.save(snapshot)));
      },
    };
  };
  const save = (snapshot: StoredSnapshot) => runtime.runPromise(Effect.flatMap(SnapshotStore, (s) => s.save(snapshot)));
  /** Everything a fold holds, in a comparable form: state value, context, status, version, timers of each actor. */
  const stateOf = (rooms: Parameters<typeof encodeRooms>[0]) => JSON.parse(encodeRooms(rooms));
  const fullReplay = async () => stateOf((await foldLog(machines, 0, await source({ snapshots: false }))).rooms);

  it('goes on from the snapshot the last start saved and ends where a full replay ends', async () => {
    await append(log.slice(0, 4_000));
    const first = await foldLog(machines, 1, await source());
    expect([first.snapshotPosition, first.replayed, first.snapshotRefused]).toEqual([0, 4_000, undefined]);

    await append(log.slice(4_000));
    const second = await foldLog(machines, 2, await source());
    expect([second.snapshotPosition, second.replayed, second.snapshotRefused]).toEqual([4_000, 2_000, undefined]);
    expect(second.problems).toEqual([]);
    expect(stateOf(second.rooms)).toEqual(await fullReplay());
    // Open rooms with people in them, closed rooms and pending timers are all in what was compared.
    type Actor = { value: unknown; timers: unknown[] };
    const rooms = stateOf(second.rooms).rooms as { room: Actor | null; clients: [string, Actor][] }[];
    expect(rooms.some((r) => r.clients.length > 0)).toBe(true);
    expect(rooms.some((r) => JSON.stringify(r.room?.value) === '"closed"')).toBe(true);
    expect(rooms.some((r) => r.clients.some(([, client]) => client.timers.length > 0))).toBe(true);

    const third = await foldLog(machines, 3, await source());
    expect([third.snapshotPosition, third.replayed]).toEqual([6_000, 0]);
    expect(stateOf(third.rooms)).toEqual(await fullReplay());
  });

  it.each([
    ['unreadable', (print: string): StoredSnapshot => ({ position: 3_000, fingerprint: print, data: '{"format":1,"rooms":[{"slug":', writtenAt: 0 }), 'it cannot be read'],
    ['of a state the machine does not have', (print: string): StoredSnapshot => ({
      position: 3_000,
      fingerprint: print,
      data: JSON.stringify({ format: 1, rooms: [{ slug: 'x', lastAt: 0, clients: [], room: { value: 'nowhere', context: {}, status: 'active', version: 1, timers: [] } }] }),
      writtenAt: 0,
    }), 'it cannot be read'],
    ['folded by other machines', (): StoredSnapshot => ({ position: 3_000, fingerprint: 'other', data: '{}', writtenAt: 0 }), 'other machines'],
    ['past the log', (print: string): StoredSnapshot => ({ position: 9_000, fingerprint: print, data: encodeRooms([]), writtenAt: 0 }), "past the log's end"],
  ])('replays the whole log when the snapshot is %s, and saves a good one', async (_, bad, reason) => {
    await append(log);
    await save(bad(fingerprint(machines)));
    const folded = await foldLog(machines, 1, await source());
    expect(folded.snapshotRefused).toContain(reason);
    expect([folded.snapshotPosition, folded.replayed]).toEqual([0, 6_000]);
    expect(stateOf(folded.rooms)).toEqual(await fullReplay());
    const again = await foldLog(machines, 2, await source());
    expect([again.snapshotPosition, again.replayed, again.snapshotRefused]).toEqual([6_000, 0, undefined]);
  });

  it('takes other delays for other machines', () => {
    const other = configuredMachines({ roomIdleMs: 1, reconnectGraceMs: 20_000, connectTimeoutMs: 20_000 });
    expect(fingerprint(other)).not.toBe(fingerprint(machines));
    expect(fingerprint(machinesForLog())).toBe(fingerprint(machines));
  });
});
