import { ConcurrencyError } from './event-store.ts';
import type { RecordedEvent } from './recorded-event.ts';

/** One stream's events in a batch: its head must be at `expected` (0: a new stream) and moves to `last`. */
export interface StreamRun {
  readonly streamId: string;
  readonly expected: number;
  readonly first: number;
  last: number;
}

/**
 * The batch's streams, each with the positions it takes, in order of first appearance. Within a
 * stream, positions must follow on from each other in global order (1, 2, 3…): a gap or a repeat is a
 * ConcurrencyError naming the first event that breaks the run.
 */
export const streamRuns = (events: ReadonlyArray<RecordedEvent>): ReadonlyArray<StreamRun> | ConcurrencyError => {
  let ordered = events;
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.globalPosition < events[i - 1]!.globalPosition) {
      ordered = [...events].sort((a, b) => a.globalPosition - b.globalPosition);
      break;
    }
  }
  const runs = new Map<string, StreamRun>();
  for (const event of ordered) {
    const run = runs.get(event.streamId);
    if (run === undefined && Number.isInteger(event.streamPosition) && event.streamPosition >= 1) {
      runs.set(event.streamId, { streamId: event.streamId, expected: event.streamPosition - 1, first: event.streamPosition, last: event.streamPosition });
    } else if (run !== undefined && event.streamPosition === run.last + 1) {
      run.last = event.streamPosition;
    } else {
      return new ConcurrencyError({ streamId: event.streamId, streamPosition: event.streamPosition });
    }
  }
  return [...runs.values()];
};
