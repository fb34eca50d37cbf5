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
 * recorded, so the log's order is the order in which actors accepted them; they are written in one
 * transaction per event-loop turn (group commit), with at most one transaction in flight.
 */
export class Journal {
  private queue: Waiting[] = [];
  private flushing = false;
  private scheduled = false;
  private nextPosition: number;
  private failure: unknown;

  constructor(
    private readonly append: Appender,
    lastPosition: number,
    /** The log is the truth: once an append fails, memory and log disagree, and the host must stop. */
    private readonly onFailure: (error: unknown) => void,
    /** Told the size and commit time of every batch written. */
    private readonly observe: (batchSize: number, seconds: number) => void = () => {},
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
    while (this.queue.length > 0 || this.flushing) await new Promise((r) => setImmediate(r));
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
    if (!this.scheduled && !this.flushing) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    if (this.flushing || this.failure) return;
    this.flushing = true;
    while (this.queue.length > 0 && !this.failure) {
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
      }
    }
    this.flushing = false;
  }
}
