import { ConcurrencyError } from './event-store.ts';
import type { RecordedEvent } from './recorded-event.ts';

/** One stream's events in a batch: its head must be before `first` and moves to `last`. */
export interface StreamRun {
  readonly streamId: string;
  readonly first: number;
  last: number;
}

/**
 * The batch's streams, each with the positions it takes, in order of first appearance. Within a
 * stream, positions must rise in global order: a repeat (or a step back) is a ConcurrencyError naming
 * the event that breaks the run. A gap is not refused here, as UNIQUE(stream_id, stream_position) did
 * not refuse it: a damaged log must still be storable, and replay's self-check reports the gap.
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
      runs.set(event.streamId, { streamId: event.streamId, first: event.streamPosition, last: event.streamPosition });
    } else if (run !== undefined && Number.isInteger(event.streamPosition) && event.streamPosition > run.last) {
      run.last = event.streamPosition;
    } else {
      return new ConcurrencyError({ streamId: event.streamId, streamPosition: event.streamPosition });
    }
  }
  return [...runs.values()];
};
