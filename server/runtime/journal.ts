import type { RecordedEvent } from '../store/recorded-event.ts';

export type Appender = (batch: readonly RecordedEvent[]) => Promise<void>;
export type UnpositionedEvent = Omit<RecordedEvent, 'globalPosition'>;

interface Waiting {
  readonly event: RecordedEvent;
  readonly resolve?: () => void;
  readonly reject?: (error: unknown) => void;
}

/**
 * The single writer of the event log. Events get their global position the moment they are
 * recorded, so the log's order is the order in which actors accepted them; they are written in
 * transactions of many events each (group commit, see `schedule`), with at most one in flight.
 */
export class Journal {
  private queue: Waiting[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | undefined;
  private nextPosition: number;
  private failure: unknown;

  constructor(
    private readonly append: Appender,
    lastPosition: number,
    /** The log is the truth: once an append fails, memory and log disagree, and the host must stop. */
    private readonly onFailure: (error: unknown) => void,
    /** Told the size and commit time of every batch written. */
    private readonly observe: (batchSize: number, seconds: number) => void = () => {},
    private readonly window = { ms: 10, events: 100 },
    private readonly maxBatch = 1000,
  ) {
    this.nextPosition = lastPosition + 1;
  }

  /** Resolves once the event is durable. */
  record(event: UnpositionedEvent): Promise<void> {
    return new Promise((resolve, reject) => this.enqueue({ event: this.position(event), resolve, reject }));
  }

  /** For facts whose effect may be seen before they are durable (relays): written in the next batch. */
  recordDetached(event: UnpositionedEvent): void {
    this.enqueue({ event: this.position(event) });
  }

  /** Resolves when everything recorded so far is durable. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) await new Promise((r) => setTimeout(r, 1));
    if (this.failure) throw this.failure;
  }

  get lastPosition(): number {
    return this.nextPosition - 1;
  }

  private position(event: UnpositionedEvent): RecordedEvent {
    return { ...event, globalPosition: this.nextPosition++ };
  }

  private enqueue(waiting: Waiting): void {
    if (this.failure) {
      waiting.reject?.(this.failure);
      return;
    }
    this.queue.push(waiting);
    this.schedule();
  }

  /**
   * Group commit: a transaction at most every `window.ms`, or as soon as `window.events` are waiting.
   * Each commit syncs the disk; fewer, larger commits are what keeps logging every event cheap.
   */
  private schedule(): void {
    if (this.flushing || this.queue.length === 0) return;
    if (this.queue.length >= this.window.events) {
      clearTimeout(this.timer);
      this.timer = undefined;
      setImmediate(() => void this.flush());
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.window.ms);
    }
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.failure || this.queue.length === 0) return;
    this.flushing = true;
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      const started = performance.now();
      await this.append(batch.map((w) => w.event));
      this.observe(batch.length, (performance.now() - started) / 1000);
      for (const w of batch) w.resolve?.();
    } catch (error) {
      this.failure = error;
      for (const w of [...batch, ...this.queue.splice(0)]) w.reject?.(error);
      this.onFailure(error);
    } finally {
      this.flushing = false;
    }
    this.schedule();
  }
}
