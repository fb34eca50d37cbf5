/**
 * The event log's writer thread. SQLite (better-sqlite3) commits synchronously, and with
 * synchronous=FULL each commit waits for the disk; on the main thread every relay would wait with
 * it. Here the same store code (SqlEventStoreLive on the same database layer) commits on its own
 * connection while the main thread keeps relaying.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Cause, Exit, Layer, ManagedRuntime, type Effect } from 'effect';
import { databaseLayer } from '../database.ts';
import { EventStore } from '../event-store.ts';
import { SqlEventStoreLive } from '../sql-event-store.ts';
import { decodeBatch, failureOf, type FromWriter, type ToWriter, type WriterSettings } from './protocol.ts';
import { WRITER_NICENESS, lowerThisThreadPriority } from './thread-priority.ts';

const port = parentPort!;
const settings = workerData as WriterSettings;
const post = (message: FromWriter) => port.postMessage(message);

const runtime = ManagedRuntime.make(Layer.provideMerge(SqlEventStoreLive, databaseLayer({ dataDir: settings.dataDir })));

/** The store's own error (ConcurrencyError, StoreError…), not the FiberFailure that runPromise wraps it in. */
const run = async <A, E>(effect: Effect.Effect<A, E, EventStore>): Promise<{ ok: true; value: A } | { ok: false; error: unknown }> => {
  const exit = await runtime.runPromiseExit(effect);
  return Exit.isSuccess(exit) ? { ok: true, value: exit.value } : { ok: false, error: Cause.squash(exit.cause) };
};

/** tsx's loader keeps a port open in this thread, so the thread ends by exiting, not by running out of work. */
const exit = () => void runtime.dispose().finally(() => process.exit(0));

lowerThisThreadPriority(WRITER_NICENESS);
const started = await run(EventStore);
if (started.ok) {
  const store = started.value;
  // Appends arrive one at a time (the journal keeps one in flight) and are answered in order.
  port.on('message', (message: ToWriter) => {
    if (message.kind === 'close') return exit();
    void run(store.append(decodeBatch(message.batch))).then((result) =>
      post(result.ok ? { kind: 'appended', id: message.id } : { kind: 'append-failed', id: message.id, failure: failureOf(result.error) }),
    );
  });
  post({ kind: 'ready' });
} else {
  post({ kind: 'start-failed', failure: failureOf(started.error) });
  exit();
}
