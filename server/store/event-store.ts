import { Context, Data, type Effect } from 'effect';
import type { RecordedEvent } from './recorded-event.ts';

/** Another writer already holds a position we tried to take. */
export class ConcurrencyError extends Data.TaggedError('ConcurrencyError')<{
  readonly streamId: string;
  readonly streamPosition: number;
}> {}

/** An event id was appended before with different content. */
export class DuplicateEventId extends Data.TaggedError('DuplicateEventId')<{ readonly eventId: string }> {}

/** A stored row cannot be read back as an event: the log itself is damaged at that position. */
export class CorruptEvent extends Data.TaggedError('CorruptEvent')<{ readonly message: string; readonly globalPosition: number }> {}

/** The database failed (could not open, connection lost, corrupt row…). `message` is safe to log. */
export class StoreError extends Data.TaggedError('StoreError')<{ readonly message: string; readonly cause?: unknown }> {}

export interface EventStoreShape {
  /** Appends the batch in one transaction: all of it or nothing. */
  readonly append: (
    events: ReadonlyArray<RecordedEvent>,
  ) => Effect.Effect<void, ConcurrencyError | DuplicateEventId | StoreError>;
  /** Every event, ordered by global position, optionally from a position on (exclusive). */
  readonly readAll: (after?: number) => Effect.Effect<ReadonlyArray<RecordedEvent>, StoreError | CorruptEvent>;
  /** At most `limit` events after position `after`, in global order: the log a page at a time. */
  readonly readPage: (after: number, limit: number) => Effect.Effect<ReadonlyArray<RecordedEvent>, StoreError | CorruptEvent>;
  /** Every event of one room (its room stream and its clients' streams), ordered by global position. */
  readonly readRoom: (room: string, after?: number) => Effect.Effect<ReadonlyArray<RecordedEvent>, StoreError | CorruptEvent>;
  /** The highest global position, 0 for an empty log. */
  readonly lastGlobalPosition: Effect.Effect<number, StoreError>;
  /** A trivial query, for health checks. */
  readonly ping: Effect.Effect<void, StoreError>;
}

export class EventStore extends Context.Tag('EventStore')<EventStore, EventStoreShape>() {}
