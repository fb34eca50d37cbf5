import * as SqlClient from '@effect/sql/SqlClient';
import type { SqlError } from '@effect/sql/SqlError';
import { Array as Arr, Data, Effect, Layer } from 'effect';
import { ConcurrencyError, CorruptEvent, DuplicateEventId, EventStore, StoreError } from './event-store.ts';
import type { RecordedEvent } from './recorded-event.ts';
import { isUniqueViolation, reasonOf } from './sql-failure.ts';

/** A row as the drivers return it: PostgreSQL (Effect 3) hands BIGINT back as a string, SQLite as a number. */
interface EventRow {
  readonly global_position: number | string;
  readonly stream_id: string;
  readonly stream_position: number | string;
  readonly event_id: string;
  readonly room: string;
  readonly type: string;
  readonly data: string;
  readonly recorded_at: number | string;
}

/**
 * 8 columns a row: 500 rows is 4 000 bound parameters, far below SQLite's 32 766 and PostgreSQL's 65 535,
 * and large enough that a batch of thousands is a handful of statements.
 */
const CHUNK = 500;

/** The insert hit a key a concurrent writer committed after our checks ran. */
class UniqueViolation extends Data.TaggedError('UniqueViolation') {}

const toRow = (event: RecordedEvent) => ({
  global_position: event.globalPosition,
  stream_id: event.streamId,
  stream_position: event.streamPosition,
  event_id: event.eventId,
  room: event.room,
  type: event.type,
  data: JSON.stringify(event.data),
  recorded_at: event.recordedAt,
});

const sameContent = (row: EventRow, event: RecordedEvent): boolean => {
  const expected = toRow(event);
  return (
    Number(row.global_position) === expected.global_position &&
    row.stream_id === expected.stream_id &&
    Number(row.stream_position) === expected.stream_position &&
    row.room === expected.room &&
    row.type === expected.type &&
    row.data === expected.data &&
    Number(row.recorded_at) === expected.recorded_at
  );
};

const streamKey = (streamId: string, streamPosition: number) => `${streamPosition}:${streamId}`;

const isEventData = (value: unknown): value is RecordedEvent['data'] =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';

const fromRow = (row: EventRow): Effect.Effect<RecordedEvent, CorruptEvent> => {
  const globalPosition = Number(row.global_position);
  const corrupt = () =>
    new CorruptEvent({ message: `event at global position ${globalPosition} has data that is not a JSON event object`, globalPosition });
  return Effect.try({ try: (): unknown => JSON.parse(row.data), catch: corrupt }).pipe(
    Effect.filterOrFail(isEventData, () => corrupt()),
    Effect.map((data) => ({
      globalPosition,
      streamId: row.stream_id,
      streamPosition: Number(row.stream_position),
      eventId: row.event_id,
      room: row.room,
      type: row.type,
      data,
      recordedAt: Number(row.recorded_at),
    })),
  );
};

const failed = (operation: string) => (error: SqlError) =>
  new StoreError({ message: `event store ${operation} failed: ${reasonOf(error)}`, cause: error });

export const SqlEventStoreLive: Layer.Layer<EventStore, never, SqlClient.SqlClient> = Layer.effect(
  EventStore,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient;

    /** Stored rows that share an event id, a global position or a stream position with `events`. */
    const storedOverlapping = (events: ReadonlyArray<RecordedEvent>) =>
      Effect.forEach(Arr.chunksOf(events, CHUNK), (chunk) => {
        // Row-value IN needs a subquery on SQLite; the CAST keeps PostgreSQL from typing the VALUES column as text.
        const positions = sql.csv(chunk.map((e) => sql`(${e.streamId}, CAST(${e.streamPosition} AS INTEGER))`));
        return sql<EventRow>`
          SELECT global_position, stream_id, stream_position, event_id, room, type, data, recorded_at FROM events
          WHERE event_id IN ${sql.in(chunk.map((e) => e.eventId))}
             OR global_position IN ${sql.in(chunk.map((e) => e.globalPosition))}
             OR (stream_id, stream_position) IN (VALUES ${positions})`;
      }).pipe(Effect.map((chunks) => chunks.flat()));

    const insertAll = (events: ReadonlyArray<RecordedEvent>) =>
      Effect.forEach(
        Arr.chunksOf(events, CHUNK),
        (chunk) =>
          sql`INSERT INTO events ${sql.insert(chunk.map(toRow))}`.pipe(
            Effect.mapError((error) => (isUniqueViolation(error) ? new UniqueViolation() : error)),
          ),
        { discard: true },
      );

    /**
     * One transaction: drop events already stored with identical content (a retried append), refuse an
     * id stored with other content, refuse a taken position, insert the rest. The checks give precise
     * errors; the constraints still catch a writer that commits between our checks and our insert.
     */
    const attempt = (events: ReadonlyArray<RecordedEvent>) =>
      sql.withTransaction(
        Effect.gen(function* () {
          const stored = yield* storedOverlapping(events);
          const byEventId = new Map(stored.map((row) => [row.event_id, row]));
          const fresh: Array<RecordedEvent> = [];
          for (const event of events) {
            const existing = byEventId.get(event.eventId);
            if (existing === undefined) fresh.push(event);
            else if (!sameContent(existing, event)) return yield* new DuplicateEventId({ eventId: event.eventId });
          }
          const takenGlobal = new Set(stored.map((row) => Number(row.global_position)));
          const takenStream = new Set(stored.map((row) => streamKey(row.stream_id, Number(row.stream_position))));
          const clash = fresh.find(
            (e) => takenGlobal.has(e.globalPosition) || takenStream.has(streamKey(e.streamId, e.streamPosition)),
          );
          if (clash !== undefined) {
            return yield* new ConcurrencyError({ streamId: clash.streamId, streamPosition: clash.streamPosition });
          }
          yield* insertAll(fresh);
        }),
      );

    const append = (events: ReadonlyArray<RecordedEvent>) => {
      const [first] = events;
      if (first === undefined) return Effect.void;
      // The single writer's appends never collide, so insert first and let the constraints speak; only
      // a collision pays for the checks that tell a retried append from a real conflict.
      return sql.withTransaction(insertAll(events)).pipe(
        Effect.catchTag('UniqueViolation', () => attempt(events)),
        // The racing writer has committed by now (PostgreSQL made our insert wait for it), so a second
        // attempt's checks see its rows: an identical retry succeeds, anything else gets a precise error.
        Effect.catchTag('UniqueViolation', () => attempt(events)),
        // Still colliding: yet another writer, or a batch that repeats an id or a position within itself.
        Effect.catchTag('UniqueViolation', () =>
          Effect.fail(new ConcurrencyError({ streamId: first.streamId, streamPosition: first.streamPosition })),
        ),
        Effect.catchTag('SqlError', (error) => Effect.fail(failed('append')(error))),
      );
    };

    const decodeAll = (rows: ReadonlyArray<EventRow>) => Effect.forEach(rows, fromRow);

    const readAll = (after = 0) =>
      sql<EventRow>`
        SELECT global_position, stream_id, stream_position, event_id, room, type, data, recorded_at FROM events
        WHERE global_position > ${after} ORDER BY global_position`.pipe(
        Effect.mapError(failed('readAll')),
        Effect.flatMap(decodeAll),
      );

    const readRoom = (room: string, after = 0) =>
      sql<EventRow>`
        SELECT global_position, stream_id, stream_position, event_id, room, type, data, recorded_at FROM events
        WHERE room = ${room} AND global_position > ${after} ORDER BY global_position`.pipe(
        Effect.mapError(failed('readRoom')),
        Effect.flatMap(decodeAll),
      );

    const lastGlobalPosition = sql<{ last: number | string }>`SELECT COALESCE(MAX(global_position), 0) AS last FROM events`.pipe(
      Effect.map(([row]) => Number(row?.last ?? 0)),
      Effect.mapError(failed('lastGlobalPosition')),
    );

    const ping = sql`SELECT 1`.pipe(Effect.asVoid, Effect.mapError(failed('ping')));

    return EventStore.of({ append, readAll, readRoom, lastGlobalPosition, ping });
  }),
);
