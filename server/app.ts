import { Effect, Layer, ManagedRuntime } from 'effect';
import type { Config } from './config.ts';
import { Lobby } from './lobby/lobby.ts';
import { Inspection, webSocketSink } from './inspect/inspection.ts';
import { Metrics } from './observability/metrics.ts';
import { Journal } from './runtime/journal.ts';
import { configuredMachines } from './runtime/machines.ts';
import { RoomRegistry } from './runtime/registry.ts';
import { SessionSigner } from './security/session.ts';
import { loadSecretKey } from './security/secret-key.ts';
import { Clock, ClockLive } from './services/clock.ts';
import { Ids, IdsLive } from './services/ids.ts';
import { Logger, LoggerLive } from './services/logger.ts';
import { databaseLayer } from './store/database.ts';
import { EventStore } from './store/event-store.ts';
import type { RecordedEvent } from './store/recorded-event.ts';
import { SqlEventStoreLive } from './store/sql-event-store.ts';
import { SnapshotStore, SqlSnapshotStoreLive, type StoredSnapshot } from './store/snapshot-store.ts';
import { WorkerAppender } from './store/worker/worker-appender.ts';
import { Snapshotter } from './runtime/snapshotter.ts';

/** What the HTTP routes and the gateway share: one of each per process. */
export interface App {
  readonly config: Config;
  readonly lobby: Lobby;
  readonly registry: RoomRegistry;
  readonly journal: Journal;
  readonly metrics: Metrics;
  readonly services: { readonly clock: Clock['Type']; readonly ids: Ids['Type']; readonly log: Logger['Type'] };
  /** Reads of the stored log, for replay and debugging. */
  readonly eventLog: { readonly readRoom: (slug: string) => Promise<readonly RecordedEvent[]> };
  /** The database answers a trivial query. */
  readonly healthy: () => Promise<boolean>;
  /** Waits for the log to be written, stops timers and closes the database. */
  readonly shutdown: () => Promise<void>;
}

export type AppServices = Layer.Layer<Clock | Ids | Logger>;

export const liveServices = (config: Config): AppServices => Layer.mergeAll(ClockLive, IdsLive, LoggerLive(config.logLevel));

/**
 * The composition root's core: opens the log, rebuilds every room from it by pure replay, and
 * re-arms the timers the machines had pending.
 */
export async function startApp(
  config: Config,
  services: AppServices = liveServices(config),
  /** What to do once the log cannot be written: in production, stop so a restart rebuilds from the log. */
  onFatal: (error: unknown) => void = () => process.exit(70),
): Promise<App> {
  const store = Layer.merge(SqlEventStoreLive, SqlSnapshotStoreLive).pipe(
    Layer.provide(databaseLayer({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })),
  );
  const runtime = ManagedRuntime.make(Layer.merge(store, services));
  const { eventStore, snapshotStore, clock, ids, log } = await runtime.runPromise(
    Effect.all({ eventStore: EventStore, snapshotStore: SnapshotStore, clock: Clock, ids: Ids, log: Logger }),
  );

  // SQLite commits block the thread they run on, so they get a thread of their own (PostgreSQL's are
  // asynchronous already). It starts after the migrations, and loading it overlaps the replay below.
  const starting = config.databaseUrl ? undefined : WorkerAppender.start(config.dataDir);
  starting?.catch(() => {}); // awaited at the end of the start; a failure before that must not count as unhandled
  const metrics = new Metrics();
  const started = performance.now();
  const lastPosition = await runtime.runPromise(eventStore.lastGlobalPosition);
  let snapshotter: Snapshotter | undefined;
  const journal = new Journal(
    starting ? (batch) => starting.then((writer) => writer.append(batch)) : (batch) => runtime.runPromise(eventStore.append(batch)),
    lastPosition,
    (error) => {
      // Memory has moved past what the log holds; the only consistent state left is the log itself.
      log.log('error', 'event log append failed; stopping so a restart rebuilds from the log', { error: String(error) });
      onFatal(error);
    },
    (size, seconds) => {
      metrics.appendedEvents.inc({}, size);
      metrics.batchSize.observe(size);
      metrics.appendSeconds.observe(seconds);
      snapshotter?.committed(journal.lastPosition);
    },
  );
  const machines = configuredMachines(config);
  const inspector = config.inspectUrl ? await webSocketSink(config.inspectUrl) : undefined;
  const deps = { clock, ids, journal, machines, inspection: inspector && new Inspection(inspector, machines) };
  const logSource = {
    readPage: (after: number, limit: number) => runtime.runPromise(eventStore.readPage(after, limit)),
    latestSnapshot: () => runtime.runPromise(snapshotStore.latest),
    saveSnapshot: (snapshot: StoredSnapshot) => runtime.runPromise(snapshotStore.save(snapshot)),
  };
  const { registry, problems, replayed, snapshotPosition, foldedTo, snapshotRefused } = await RoomRegistry.load(deps, { ...logSource, lastPosition });
  if (snapshotRefused !== undefined) log.log('warn', 'snapshot not used; replayed the whole log', { reason: snapshotRefused });
  for (const problem of problems) log.log('error', 'replay problem', { ...problem });
  metrics.startupReplaySeconds = (performance.now() - started) / 1000;
  metrics.startupReplayedEvents = replayed;
  metrics.gauge('camus_open_rooms', 'Rooms open now.', () => registry.openRooms);
  log.log('info', 'rooms rebuilt from the event log', {
    events: replayed,
    rooms: registry.openRooms,
    replayMs: Math.round(metrics.startupReplaySeconds * 1000),
    snapshotPosition,
  });

  snapshotter = new Snapshotter(machines, () => clock.now(), logSource, foldedTo, {
    saved: ({ position, replayed, problems }) => {
      for (const problem of problems) log.log('error', 'replay problem', { ...problem });
      log.log('info', 'snapshot saved', { position, events: replayed });
    },
    failed: (error) => log.log('warn', 'snapshot failed; the next start replays more of the log', { error: String(error) }),
  });

  const writer = await starting;

  const signer = new SessionSigner(loadSecretKey(config.secretKey, config.dataDir));
  const lobby = new Lobby(registry, signer, clock);

  return {
    config,
    lobby,
    registry,
    journal,
    metrics,
    services: { clock, ids, log },
    eventLog: { readRoom: (slug) => runtime.runPromise(eventStore.readRoom(slug)) },
    healthy: () =>
      runtime.runPromise(eventStore.ping).then(
        () => true,
        () => false,
      ),
    shutdown: async () => {
      registry.stop();
      await journal.drain();
      await snapshotter.stop();
      await writer?.close();
      inspector?.stop();
      await runtime.dispose();
    },
  };
}

const APP = Symbol.for('camus.app');

/**
 * The SvelteKit bundle and the server entry are separate module graphs, so a module-level singleton
 * would exist twice. The composition root hands its one App over through this slot instead.
 */
export function registerApp(app: App): void {
  (globalThis as { [APP]?: App })[APP] = app;
}

export function registeredApp(): App | undefined {
  return (globalThis as { [APP]?: App })[APP];
}
