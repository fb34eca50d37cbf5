/**
 * One row of the event log. Positions are assigned by the single writer (the journal) before the
 * append, so the store only has to check them: a stream's head (table `streams`) moves only from the
 * position the batch expects, and the global position is the key, so a second writer gets a
 * ConcurrencyError instead of a silently forked history.
 */
export interface RecordedEvent {
  /** 1, 2, 3… across the whole log; the order replay follows. */
  readonly globalPosition: number;
  /** `room-<slug>` or `client-<id>`. */
  readonly streamId: string;
  /** 1, 2, 3… within the stream. */
  readonly streamPosition: number;
  /** A UUID; a retried append of the same id with the same content is a no-op. */
  readonly eventId: string;
  /** The room the stream belongs to, so one query reads a room and all its clients. */
  readonly room: string;
  /** The event's `type`, duplicated from `data` for queries. */
  readonly type: string;
  /** The whole event as the machine received it (includes `type` and `at`). Plain JSON. */
  readonly data: { readonly type: string; readonly [key: string]: unknown };
  /** Milliseconds since the epoch, from the injected clock. */
  readonly recordedAt: number;
}
