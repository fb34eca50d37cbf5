import { Worker } from 'node:worker_threads';
import type { RecordedEvent } from '../recorded-event.ts';
import { encodeBatch, type FromWriter, type ToWriter, type WriterFailure, type WriterSettings } from './protocol.ts';

const BOOT = new URL('./boot.mjs', import.meta.url);
const ENTRY = new URL('./writer-thread.ts', import.meta.url);

/** A failure reported by the writer thread, with the store's own tag (ConcurrencyError, StoreError…). */
export class WriterError extends Error {
  constructor(
    readonly tag: string,
    message: string,
  ) {
    super(`${tag}: ${message}`);
    this.name = 'WriterError';
  }
}

const errorOf = (failure: WriterFailure) => new WriterError(failure.tag, failure.message);

/**
 * Appends to the SQLite log through the writer thread (`writer-thread.ts`): commits no longer hold
 * the event loop, so relays are not delayed by the disk. The journal's contract is unchanged: one
 * batch in flight, resolved once durable, rejected with the store's error.
 */
export class WorkerAppender {
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>();
  private nextId = 1;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromWriter) => this.receive(message));
    worker.on('error', (error) => this.fail(new WriterError('WriterCrashed', `the event log writer thread failed: ${error.message}`)));
    worker.on('exit', (code) => this.fail(new WriterError('WriterExited', `the event log writer thread exited (code ${code})`)));
  }

  /** Starts the thread and waits until its database is open and migrated; rejects with the store's error otherwise. */
  static start(dataDir: string): Promise<WorkerAppender> {
    const settings: WriterSettings = { dataDir, entry: ENTRY.href };
    // The thread only parses batches and hands them to SQLite: a small young generation is plenty, and
    // V8's default let its heap swell by tens of MB under load, which the process's RSS then kept.
    const worker = new Worker(BOOT, { workerData: settings, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    // The server's sockets keep the process alive; shutdown drains the journal and closes the writer
    // itself. Unreferenced, a writer left behind by a start that failed later cannot hold the process.
    worker.unref();
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new WriterError('WriterExited', `the event log writer thread exited at start (code ${code})`));
      const onError = (error: Error) => reject(new WriterError('WriterCrashed', `the event log writer thread failed at start: ${error.message}`));
      worker.once('exit', onExit);
      worker.once('error', onError);
      worker.once('message', (message: FromWriter) => {
        worker.off('exit', onExit);
        worker.off('error', onError);
        if (message.kind === 'ready') resolve(new WorkerAppender(worker));
        else if (message.kind === 'start-failed') {
          reject(errorOf(message.failure));
        } else reject(new WriterError('WriterProtocol', `unexpected first message from the writer thread: ${message.kind}`));
      });
    });
  }

  append(batch: readonly RecordedEvent[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ kind: 'append', id, batch: encodeBatch(batch) });
    });
  }

  /** Lets the thread finish what it was given, close the database and exit. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.failure) return resolve();
      this.worker.once('exit', () => resolve());
      this.post({ kind: 'close' });
    });
    return this.closing;
  }

  private post(message: ToWriter): void {
    this.worker.postMessage(message);
  }

  private receive(message: FromWriter): void {
    if (message.kind !== 'appended' && message.kind !== 'append-failed') return;
    const waiting = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (message.kind === 'appended') waiting?.resolve();
    else waiting?.reject(errorOf(message.failure));
  }

  /** Whatever was in flight when the thread went away may or may not be durable: every waiter hears of it. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}
