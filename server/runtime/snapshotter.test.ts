// The running server's snapshots must be what a restart would compute, and never hurt the log.
// Real SQLite file, real machine-made log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Effect, Layer, ManagedRuntime } from 'effect';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { machinesForLog, realisticLog } from '../../bench/store/log.ts';
import { databaseLayer } from '../store/database.ts';
import { EventStore } from '../store/event-store.ts';
import type { RecordedEvent } from '../store/recorded-event.ts';
import { SnapshotStore, SqlSnapshotStoreLive, type StoredSnapshot } from '../store/snapshot-store.ts';
import { SqlEventStoreLive } from '../store/sql-event-store.ts';
import { encodeRooms } from './room-snapshot.ts';
import { Snapshotter, type SnapshotOutcome } from './snapshotter.ts';
import { foldLog } from './start-up-fold.ts';

const root = mkdtempSync(join(tmpdir(), 'camus-snapshotter-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const machines = machinesForLog();
const log = [...realisticLog(3_000, 11)];

describe('Snapshotter', () => {
  let runtime: ManagedRuntime.ManagedRuntime<EventStore | SnapshotStore, unknown>;
  beforeEach(() => {
    const database = databaseLayer({ dataDir: mkdtempSync(join(root, 'db-')) });
    runtime = ManagedRuntime.make(Layer.merge(SqlEventStoreLive, SqlSnapshotStoreLive).pipe(Layer.provide(database)));
  });
  afterEach(() => runtime.dispose());

  const append = (events: readonly RecordedEvent[]) => runtime.runPromise(Effect.flatMap(EventStore, (s) => s.append(events)));
  const latest = () => runtime.runPromise(Effect.flatMap(SnapshotStore, (s) => s.latest));
  const source = {
    readPage: (after: number, limit: number) => runtime.runPromise(Effect.flatMap(EventStore, (s) => s.readPage(after, limit))),
    latestSnapshot: latest,
    saveSnapshot: (snapshot: StoredSnapshot) =>
      runtime.runPromise(Effect.flatMap(SnapshotStore, (s) => s.save(snapshot))),
  };
  const reports = () => {
    const saved: SnapshotOutcome[] = [];
    const failed: unknown[] = [];
    return { saved, failed, report: { saved: (o: SnapshotOutcome) => saved.push(o), failed: (e: unknown) => failed.push(e) } };
  };
  const fullReplayState = async (upTo: number) =>
    JSON.parse(encodeRooms((await foldLog(machines, 0, { ...source, lastPosition: upTo, latestSnapshot: async () => undefined, saveSnapshot: async () => {} })).rooms));

  it('waits for `every` events past the last snapshot, then saves what a full replay gives', async () => {
    await append(log.slice(0, 1_000));
    const { saved, failed, report } = reports();
    const snapshotter = new Snapshotter(machines, () => 5, source, 0, report, 1_500);

    snapshotter.committed(1_000);
    await snapshotter.stop();
    expect(saved).toEqual([]);
    expect(await latest()).toBeUndefined();

    await append(log.slice(1_000, 2_000));
    const running = new Snapshotter(machines, () => 5, source, 0, report, 1_500);
    running.committed(2_000);
    running.committed(2_000); // one at a time: the second call finds the first still running
    await running.stop();
    expect(failed).toEqual([]);
    expect(saved.map((o) => [o.position, o.replayed])).toEqual([[2_000, 2_000]]);
    const stored = await latest();
    expect(stored?.position).toBe(2_000);
    expect(JSON.parse(stored!.data)).toEqual(await fullReplayState(2_000));
  });

  it('folds only what is durable: a journal ahead of the log gets a snapshot at the log’s end', async () => {
    await append(log.slice(0, 1_200));
    const { saved, report } = reports();
    const snapshotter = new Snapshotter(machines, () => 5, source, 0, report, 1_000);
    snapshotter.committed(1_250); // 50 recorded, not yet written
    await snapshotter.stop();
    expect(saved.map((o) => o.position)).toEqual([1_200]);
    expect(JSON.parse((await latest())!.data)).toEqual(await fullReplayState(1_200));
  });

  it('goes on from its own snapshot the next time', async () => {
    await append(log.slice(0, 1_000));
    const { saved, report } = reports();
    const snapshotter = new Snapshotter(machines, () => 5, source, 0, report, 1_000);
    snapshotter.committed(1_000);
    await new Promise((r) => setTimeout(r, 0));
    await append(log.slice(1_000, 2_500));
    while (saved.length < 1) await new Promise((r) => setTimeout(r, 10));
    snapshotter.committed(2_500); // 1,500 past the snapshot at 1,000
    await snapshotter.stop();
    expect(saved.map((o) => [o.position, o.replayed])).toEqual([[1_000, 1_000], [2_500, 1_500]]);
    expect(JSON.parse((await latest())!.data)).toEqual(await fullReplayState(2_500));
  });

  it('reports a failure, leaves the log alone, and starts nothing after stop()', async () => {
    await append(log.slice(0, 1_000));
    const { saved, failed, report } = reports();
    const broken = { ...source, saveSnapshot: async () => Promise.reject(new Error('disk full')) };
    const snapshotter = new Snapshotter(machines, () => 5, broken, 0, report, 500);
    snapshotter.committed(1_000);
    await snapshotter.stop();
    expect(saved).toEqual([]);
    expect(failed.map(String)).toEqual(['Error: disk full']);
    expect(await runtime.runPromise(Effect.flatMap(EventStore, (s) => s.lastGlobalPosition))).toBe(1_000);

    snapshotter.committed(5_000);
    await snapshotter.stop();
    expect(failed).toHaveLength(1);
    expect(await latest()).toBeUndefined();
  });
});
