import type { Machines } from './machines.ts';
import type { ReplayProblem } from './replay.ts';
import { foldLog, type LogSource } from './start-up-fold.ts';

export interface SnapshotOutcome {
  readonly position: number;
  readonly replayed: number;
  readonly problems: readonly ReplayProblem[];
}

/** Events per read while the server is serving: a short fold between awaits keeps relays flowing. */
const PAGE = 500;

/**
 * Keeps the next start-up short while the server runs. A snapshot written only at start would leave a
 * long-running server to replay everything since then; so once the log has grown by `every` events
 * past the newest snapshot, this folds the durable events after it — with the very function start-up
 * uses, so the snapshot is exactly what a restart would compute — and saves the result. At most one
 * runs at a time, in the background; a failure costs only a longer start, never the log.
 */
export class Snapshotter {
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly machines: Machines,
    private readonly now: () => number,
    private readonly source: Omit<LogSource, 'lastPosition'>,
    private snapshotAt: number,
    private readonly report: { saved: (outcome: SnapshotOutcome) => void; failed: (error: unknown) => void },
    private readonly every = 50_000,
  ) {}

  /** Told the journal's end after each commit; everything up to it that is durable may be folded. */
  committed(lastPosition: number): void {
    if (this.stopped || this.running !== undefined || lastPosition - this.snapshotAt < this.every) return;
    this.running = foldLog(this.machines, this.now(), { ...this.source, lastPosition }, PAGE)
      .then(
        ({ foldedTo, replayed, problems }) => {
          this.snapshotAt = foldedTo;
          this.report.saved({ position: foldedTo, replayed, problems });
        },
        (error: unknown) => {
          // Try again only after another `every` events, not on the next commit.
          this.snapshotAt = lastPosition;
          this.report.failed(error);
        },
      )
      .finally(() => (this.running = undefined));
  }

  /** Starts no more, and waits for the one in progress (at shutdown, before the database closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
