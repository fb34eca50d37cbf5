/** The event-store parts: appends per second, replay speed, and the real server's start-up with a large log. */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import * as SqlClient from '@effect/sql/SqlClient';
import { PgClient } from '@effect/sql-pg';
import { Effect, Layer, ManagedRuntime, Redacted } from 'effect';
import { replayRoom } from '../../server/runtime/replay.ts';
import { randomIds } from '../../server/services/ids.ts';
import { clientFoldOptions } from '../../server/runtime/streams.ts';
import { databaseLayer, type DatabaseConfig } from '../../server/store/database.ts';
import { EventStore, type EventStoreShape } from '../../server/store/event-store.ts';
import type { RecordedEvent } from '../../server/store/recorded-event.ts';
import { SqlEventStoreLive } from '../../server/store/sql-event-store.ts';
import { toRow } from '../../server/store/event-rows.ts';
import { readProc } from '../lib/proc.ts';
import { startPostgres, type Postgres } from '../../tests/support/postgres.ts';
import { jsonLine, mib, ratio, table, type Budgets, type Cell } from '../lib/report.ts';
import { benchDir, startCamus } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';
import { summarize } from '../lib/stats.ts';
import { machinesForLog, realisticLog } from './log.ts';

const BATCHES = [1, 10, 100] as const;
/** The journal's largest batch (server/runtime/journal.ts), used to write the big log. */
const JOURNAL_BATCH = 1000;

interface OpenStore {
  readonly store: EventStoreShape;
  readonly sql: SqlClient.SqlClient;
  readonly run: <A, E>(effect: Effect.Effect<A, E>) => Promise<A>;
  readonly close: () => Promise<void>;
}

/** The real store over the real database layer (migrations, WAL + synchronous=FULL, or PostgreSQL with synchronous_commit on). */
async function openStore(config: DatabaseConfig): Promise<OpenStore> {
  const runtime = ManagedRuntime.make(Layer.provideMerge(SqlEventStoreLive, databaseLayer(config)));
  const { store, sql } = await runtime.runPromise(Effect.all({ store: EventStore, sql: SqlClient.SqlClient }));
  return { store, sql, run: (effect) => runtime.runPromise(effect), close: () => runtime.dispose() };
}

/** Relay events as the host records them: MessageRelayed metadata from 400 clients' streams. */
function relayEvents() {
  let global = 0;
  const positions = new Map<string, number>();
  return (count: number): RecordedEvent[] =>
    Array.from({ length: count }, () => {
      const client = (global % 400).toString(16).padStart(32, '0');
      const streamId = `client-${client}`;
      const streamPosition = (positions.get(streamId) ?? 0) + 1;
      positions.set(streamId, streamPosition);
      const at = Date.now();
      const data = { type: 'MessageRelayed', at, messageType: 'icecandidate', to: 'f'.repeat(32), bytes: 262, candidateType: 'srflx' };
      return { globalPosition: ++global, streamId, streamPosition, eventId: randomIds.eventId(), room: `room-${global % 100}`, type: data.type, data, recordedAt: at };
    });
}


interface AppendFigures {
  readonly eventsPerSecond: number;
  readonly events: number;
  readonly commitP50Ms: number;
  readonly commitP99Ms: number;
}

/** Sequential appends of `batch` events, one transaction each (the journal keeps one in flight), for `ms`. */
async function appendLoop(append: (events: RecordedEvent[]) => Promise<void>, batch: number, ms: number): Promise<AppendFigures> {
  const next = relayEvents();
  const commits: number[] = [];
  let events = 0;
  const started = performance.now();
  // Bounded by time and by count.
  while (performance.now() - started < ms && events < 5_000_000) {
    const chunk = next(batch);
    const t = performance.now();
    await append(chunk);
    commits.push(performance.now() - t);
    events += batch;
  }
  const elapsed = (performance.now() - started) / 1000;
  const s = summarize(commits);
  return { eventsPerSecond: events / elapsed, events, commitP50Ms: s.p50, commitP99Ms: s.p99 };
}

async function appendCase(config: () => Promise<DatabaseConfig>, batch: number, ms: number) {
  const measure = async (raw: boolean) => {
    const opened = await openStore(await config());
    try {
      const { sql, store } = opened;
      const append = raw
        ? (events: RecordedEvent[]) => opened.run(sql.withTransaction(sql`INSERT INTO events ${sql.insert(events.map(toRow))}`).pipe(Effect.asVoid))
        : (events: RecordedEvent[]) => opened.run(store.append(events));
      return await appendLoop(append, batch, ms);
    } finally {
      await opened.close();
    }
  };
  return { store: await measure(false), raw: await measure(true) };
}

async function createDatabase(adminUrl: string): Promise<string> {
  const name = `bench_${randomUUID().replaceAll('-', '')}`;
  await Effect.runPromise(
    Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(`CREATE DATABASE ${name}`)).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(adminUrl) }))),
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.href;
}

export async function runStore(settings: Settings, budgets: Budgets, print: (text: string) => void) {
  const dirs: string[] = [];
  const sqlite = async (): Promise<DatabaseConfig> => {
    const dir = benchDir('store');
    dirs.push(dir);
    return { dataDir: dir };
  };
  const results: Record<string, Record<number, { store: AppendFigures; raw: AppendFigures }>> = { sqlite: {} };
  const notes: string[] = [];
  try {
    for (const batch of BATCHES) results.sqlite![batch] = await appendCase(sqlite, batch, settings.storeMs);
    let pg: Postgres | undefined;
    try {
      const adminUrl = settings.postgresUrl ?? (pg = await startPostgres({ fsync: true })).url;
      results.postgres = {};
      for (const batch of BATCHES) results.postgres[batch] = await appendCase(() => createDatabase(adminUrl).then((url) => ({ dataDir: '.', databaseUrl: url })), batch, settings.storeMs);
    } catch (error) {
      notes.push(`PostgreSQL skipped: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      await pg?.stop();
    }
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  const rows: Cell[][] = [];
  for (const [dialect, byBatch] of Object.entries(results)) {
    for (const [batch, { store, raw }] of Object.entries(byBatch)) {
      rows.push([`${dialect}, batch ${batch}`, raw.eventsPerSecond, store.eventsPerSecond, ratio(store.eventsPerSecond, raw.eventsPerSecond), raw.commitP99Ms, store.commitP99Ms]);
    }
  }
  print(
    table('Event store: appends (events/s), one transaction per batch, one in flight', ['case', 'baseline ev/s', 'camus ev/s', 'camus/baseline', 'baseline p99 ms', 'camus p99 ms'], rows, [
      'camus: EventStore.append (server/store/sql-event-store.ts: INSERT, then each stream head moved from the position the batch expects) on databaseLayer.',
      'baseline: a bare INSERT of the same rows in one transaction through the same client, pragmas and schema.',
      'SQLite: WAL, synchronous=FULL (as the server runs it). PostgreSQL: fsync on, synchronous_commit=on. Fresh, empty table per case.',
      ...notes,
    ]),
  );
  const sqlite100 = results.sqlite![100]!.store.eventsPerSecond;
  budgets.add({
    part: 'store',
    name: 'SQLite appends in batches',
    rule: '>= 50,000 events/s (batch 100)',
    measured: `${Math.round(sqlite100).toLocaleString('en-US')} ev/s (bare INSERT: ${Math.round(results.sqlite![100]!.raw.eventsPerSecond).toLocaleString('en-US')})`,
    pass: sqlite100 >= 50_000,
  });
  print(jsonLine('store', { durationMs: settings.storeMs, results, notes }));
}

// ── The big log: written once, replayed in process, then started by the real server ──────────────

export interface BigLog {
  readonly dataDir: string;
  readonly events: number;
  readonly writeSeconds: number;
  /** Append rate of the first and last tenth of the batches: does appending slow down as the log grows? */
  readonly firstTenthEps: number;
  readonly lastTenthEps: number;
}

export async function writeBigLog(total: number, print: (text: string) => void): Promise<BigLog> {
  const dataDir = benchDir('log');
  const opened = await openStore({ dataDir });
  const times: number[] = [];
  const started = performance.now();
  try {
    let batch: RecordedEvent[] = [];
    const flush = async () => {
      const t = performance.now();
      await opened.run(opened.store.append(batch));
      times.push(performance.now() - t);
      batch = [];
    };
    for (const event of realisticLog(total)) {
      batch.push(event);
      if (batch.length === JOURNAL_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
  } finally {
    await opened.close();
  }
  const tenth = Math.max(1, Math.floor(times.length / 10));
  const eps = (slice: number[]) => (slice.length * JOURNAL_BATCH) / (slice.reduce((a, b) => a + b, 0) / 1000);
  const log = {
    dataDir,
    events: total,
    writeSeconds: (performance.now() - started) / 1000,
    firstTenthEps: eps(times.slice(0, tenth)),
    lastTenthEps: eps(times.slice(-tenth)),
  };
  print(`\n(wrote a realistic log of ${total.toLocaleString('en-US')} events through the real store in ${log.writeSeconds.toFixed(1)} s, batches of ${JOURNAL_BATCH}: ` +
    `${Math.round(log.firstTenthEps).toLocaleString('en-US')} ev/s in the first tenth, ${Math.round(log.lastTenthEps).toLocaleString('en-US')} ev/s in the last)`);
  return log;
}

/** The thinnest fold we can write over the same events: who is in which room, who is connected. */
function bareFold(events: readonly RecordedEvent[]): number {
  const members = new Map<string, Set<string>>();
  const clients = new Map<string, string>();
  for (const e of events) {
    const d = e.data as { type: string; clientId?: string };
    switch (d.type) {
      case 'RoomCreated':
        members.set(e.room, new Set());
        break;
      case 'ClientJoined':
        members.get(e.room)?.add(d.clientId!);
        break;
      case 'ClientLeft':
        members.get(e.room)?.delete(d.clientId!);
        break;
      case 'MessageRelayed':
      case 'ChatBroadcast':
        break;
      default:
        clients.set(e.streamId, d.type);
    }
  }
  return members.size + clients.size;
}

export async function runReplay(log: BigLog, budgets: Budgets, print: (text: string) => void) {
  const opened = await openStore({ dataDir: log.dataDir });
  const readStarted = performance.now();
  const events = await opened.run(opened.store.readAll()).finally(() => opened.close());
  const readSeconds = (performance.now() - readStarted) / 1000;
  const machines = machinesForLog();

  const group = () => {
    const byRoom = new Map<string, RecordedEvent[]>();
    for (const e of events) {
      const list = byRoom.get(e.room);
      if (list) list.push(e);
      else byRoom.set(e.room, [e]);
    }
    return byRoom;
  };
  // Events the machines take through transition(); relays and chat are record-only in `connected`.
  let transitions = 0;
  const fold = () => {
    let problems = 0;
    for (const [slug, list] of group()) problems += replayRoom(machines, slug, list).problems.length;
    return problems;
  };
  const timed = (f: () => unknown) => {
    const t = performance.now();
    f();
    return (performance.now() - t) / 1000;
  };
  // Warm the JIT on the first rooms, then the measured pass of each.
  for (const [slug, list] of [...group()].slice(0, 200)) replayRoom(machines, slug, list);
  bareFold(events.slice(0, 100_000));
  const camusSeconds = timed(() => {
    const problems = fold();
    if (problems > 0) throw new Error(`replay found ${problems} problems in a log the machines wrote`);
  });
  const bareSeconds = timed(() => bareFold(events));
  for (const e of events) if (!clientFoldOptions.isRecordOnly?.('connected', e.type)) transitions++;
  const camus = events.length / camusSeconds;
  const bare = events.length / bareSeconds;
  print(
    table(`Replay: ${events.length.toLocaleString('en-US')} events (${log.events === events.length ? 'the realistic log' : 'log'}), in process`, ['figure', 'baseline', 'camus', 'camus/baseline'], [
      ['events folded per second', bare, camus, ratio(camus, bare)],
      ['seconds for the whole log', bareSeconds, camusSeconds, ratio(camusSeconds, bareSeconds)],
      ['events through transition()', '', transitions, ''],
      ['read + decode from SQLite (store.readAll), ev/s', '', events.length / readSeconds, ''],
    ], [
      'camus: replayRoom (server/runtime/replay.ts: one RoomFold per room, as start-up folds); relays and chat skip transition() as record-only.',
      'baseline: a bare switch over the same events keeping members and client states in Maps.',
    ]),
  );
  budgets.add({
    part: 'replay',
    name: 'replay speed',
    rule: '>= 200,000 events/s',
    measured: `${Math.round(camus).toLocaleString('en-US')} ev/s (bare fold ${Math.round(bare).toLocaleString('en-US')})`,
    pass: camus >= 200_000,
  });
  print(jsonLine('replay', { events: events.length, transitions, readSeconds, camusSeconds, bareSeconds, eventsPerSecond: camus, bareEventsPerSecond: bare }));
}

export async function runStartup(log: BigLog, settings: Settings, budgets: Budgets, print: (text: string) => void) {
  const measure = async (dataDir: string | undefined) => {
    const server = await startCamus({ dataDir, nodeArgs: settings.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`] : [] });
    try {
      const rebuilt = server.logs.find((l) => l.message === 'rooms rebuilt from the event log') ?? {};
      return {
        startMs: server.startMs,
        replayMs: Number(rebuilt.replayMs ?? NaN),
        events: Number(rebuilt.events ?? NaN),
        snapshotPosition: Number(rebuilt.snapshotPosition ?? NaN),
        rooms: Number(rebuilt.rooms ?? NaN),
        rssMiB: mib(readProc(server.pid).rssBytes),
      };
    } finally {
      await server.stop();
    }
  };
  const empty = await measure(undefined);
  // The log as the bench wrote it has no snapshot: the first start replays all of it and saves one;
  // the restart goes on from that snapshot (plus the disconnections the first start recorded).
  const full = await measure(log.dataDir);
  const restart = await measure(log.dataDir);
  const n = log.events.toLocaleString('en-US');
  print(
    table(`Start-up: the real server (npm run serve) with ${n} events`, ['figure', 'empty log', `${n}, no snapshot`, `${n}, restart`, 'ratio (no snapshot)', 'ratio (restart)'], [
      ['spawn -> "listening", ms', empty.startMs, full.startMs, restart.startMs, ratio(full.startMs, empty.startMs), ratio(restart.startMs, empty.startMs)],
      ['replayMs (its own log line: snapshot + read + fold + restore)', empty.replayMs, full.replayMs, restart.replayMs, '', ''],
      ['events read from the log', empty.events, full.events, restart.events, '', ''],
      ['went on from the snapshot at position', empty.snapshotPosition, full.snapshotPosition, restart.snapshotPosition, '', ''],
      ['open rooms after rebuild', empty.rooms, full.rooms, restart.rooms, '', ''],
      ['RSS at listening, MiB', empty.rssMiB, full.rssMiB, restart.rssMiB, ratio(full.rssMiB, empty.rssMiB), ratio(restart.rssMiB, empty.rssMiB)],
    ], [
      'baseline: the same server on an empty log (Node, tsx, SvelteKit handler, migrations).',
      'no snapshot: the log as written, replayed whole (pages of 5,000 events, one fold per room); it saves a snapshot at the end.',
      'restart: the same server started again, from that snapshot.',
    ]),
  );
  const isFull = log.events >= 1_000_000;
  budgets.add({
    part: 'startup',
    name: 'start-up with 1 M events',
    rule: '< 10 s, or snapshots that make it so',
    measured: `${(full.startMs / 1000).toFixed(2)} s replaying ${n} events, ${(restart.startMs / 1000).toFixed(2)} s from the snapshot (empty log: ${(empty.startMs / 1000).toFixed(2)} s)`,
    pass: isFull ? restart.startMs < 10_000 : undefined,
  });
  print(jsonLine('startup', { events: log.events, empty, full, restart, log: { writeSeconds: log.writeSeconds, firstTenthEps: log.firstTenthEps, lastTenthEps: log.lastTenthEps } }));
}
