import type { RecordedEvent } from '../store/recorded-event.ts';

export type Appender = (batch: readonly RecordedEvent[]) => Promise<void>;
export type UnpositionedEvent = Omit<RecordedEvent, 'globalPosition'>;

/** Someone waiting for the event at `position` to be durable. */
interface Waiter {
  readonly position: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** How long events may wait to be committed, and how many make a commit start at once. */
export interface CommitWindow {
  readonly ms: number;
  readonly events: number;
}

/**
 * The single writer of the event log. Events get their global position the moment they are
 * recorded, so the log's order is the order in which actors accepted them; they are written in
 * transactions of many events each (group commit, see `schedule`), with at most one in flight.
 */
export class Journal {
  private queue: RecordedEvent[] = [];
  /**
   * Queued events someone waits for (`record`), in position order; while there are none, the wider
   * detached window applies. Kept apart from the queue so a relay costs no waiting record.
   */
  private waiters: Waiter[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt = Infinity;
  private flushQueued = false;
  private nextPosition: number;
  private failure: unknown;

  constructor(
    private readonly append: Appender,
    lastPosition: number,
    /** The log is the truth: once an append fails, memory and log disagree, and the host must stop. */
    private readonly onFailure: (error: unknown) => void,
    /** Told the size and commit time of every batch written. */
    private readonly observe: (batchSize: number, seconds: number) => void = () => {},
    /** A fact whose effects wait for it (a join, a departure): 10 ms or 100 events (reliability.md DU3). */
    private readonly window: CommitWindow = { ms: 10, events: 100 },
    /**
     * Facts nobody waits for (relays, delivered before they are durable). Every commit costs a disk sync
     * and a transaction whatever its size, which at 10 ms was most of the server's CPU per relay; a wider
     * window commits the same events in fewer transactions. A waited-for fact still flushes everything
     * queued before it, in order, within its own window.
     */
    private readonly detachedWindow: CommitWindow = { ms: 50, events: 500 },
    private readonly maxBatch = 1000,
  ) {
    this.nextPosition = lastPosition + 1;
  }

  /** Resolves once the event is durable. */
  record(event: UnpositionedEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const positioned = this.position(event);
      this.waiters.push({ position: positioned.globalPosition, resolve, reject });
      this.enqueue(positioned);
    });
  }

  /** For facts whose effect may be seen before they are durable (relays): written in the next batch. */
  recordDetached(event: UnpositionedEvent): void {
    if (!this.failure) this.enqueue(this.position(event));
  }

  /** Resolves when everything recorded so far is durable. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) await new Promise((r) => setTimeout(r, 1));
    if (this.failure) throw this.failure;
  }

  get lastPosition(): number {
    return this.nextPosition - 1;
  }

  /** Spelled out, not spread: one of these is made for every relayed message. */
  private position(event: UnpositionedEvent): RecordedEvent {
    return {
      globalPosition: this.nextPosition++,
      streamId: event.streamId,
      streamPosition: event.streamPosition,
      eventId: event.eventId,
      room: event.room,
      type: event.type,
      data: event.data,
      recordedAt: event.recordedAt,
    };
  }

  private enqueue(event: RecordedEvent): void {
    this.queue.push(event);
    this.schedule();
  }

  /**
   * Group commit: a transaction once the oldest queued event has waited its window, or as soon as the
   * window's count is queued. Each commit syncs the disk; fewer, larger commits are what keeps logging
   * every event cheap.
   */
  private schedule(): void {
    if (this.flushing || this.queue.length === 0 || this.flushQueued) return;
    const window = this.waiters.length > 0 ? this.window : this.detachedWindow;
    if (this.queue.length >= window.events) {
      this.cancelTimer();
      this.flushQueued = true;
      setImmediate(() => {
        this.flushQueued = false;
        void this.flush();
      });
      return;
    }
    const dueAt = performance.now() + window.ms;
    // An armed timer that fires sooner stands; a waited-for event may bring a detached batch's commit forward.
    if (this.timer && this.timerDueAt <= dueAt) return;
    this.cancelTimer();
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDueAt = Infinity;
      void this.flush();
    }, window.ms);
  }

  private cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = Infinity;
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.failure || this.queue.length === 0) return;
    this.flushing = true;
    const batch = this.queue.splice(0, this.maxBatch);
    const last = batch[batch.length - 1]!.globalPosition;
    let covered = 0;
    while (covered < this.waiters.length && this.waiters[covered]!.position <= last) covered++;
    const waiting = this.waiters.splice(0, covered);
    try {
      const started = performance.now();
      await this.append(batch);
      this.observe(batch.length, (performance.now() - started) / 1000);
      for (const w of waiting) w.resolve();
    } catch (error) {
      this.failure = error;
      this.queue = [];
      for (const w of [...waiting, ...this.waiters.splice(0)]) w.reject(error);
      this.onFailure(error);
    } finally {
      this.flushing = false;
    }
    this.schedule();
  }
}
