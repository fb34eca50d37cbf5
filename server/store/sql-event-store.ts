import * as SqlClient from '@effect/sql/SqlClient';
import type { SqlError } from '@effect/sql/SqlError';
import { Array as Arr, Data, Effect, Layer } from 'effect';
import { storeDialect } from './dialect.ts';
import { EVENT_COLUMN_COUNT, EVENT_COLUMNS, decodeRows, pushEventValues, sameContent, type EventRow } from './event-rows.ts';
import { ConcurrencyError, DuplicateEventId, EventStore, StoreError, type CorruptEvent } from './event-store.ts';
import type { RecordedEvent } from './recorded-event.ts';
import { rowsStatement } from './rows-statement.ts';
import { isUniqueViolation, reasonOf } from './sql-failure.ts';
import { streamRuns, type StreamRun } from './stream-runs.ts';

/**
 * 8 columns a row: 500 rows is 4 000 bound parameters, far below SQLite's 32 766 and PostgreSQL's 65 535,
 * and large enough that a batch of thousands is a handful of statements.
 */
const CHUNK = 500;

/** The insert hit a key a concurrent writer committed after our checks ran. */
class UniqueViolation extends Data.TaggedError('UniqueViolation') {}

const failed = (operation: string) => (error: SqlError) =>
  new StoreError({ message: `event store ${operation} failed: ${reasonOf(error)}`, cause: error });

const decoded = (rows: ReadonlyArray<EventRow>): Effect.Effect<Array<RecordedEvent>, CorruptEvent> =>
  Effect.suspend(() => {
    const events = decodeRows(rows);
    return Array.isArray(events) ? Effect.succeed(events) : Effect.fail(events);
  });

export const SqlEventStoreLive: Layer.Layer<EventStore, never, SqlClient.SqlClient> = Layer.effect(
  EventStore,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient;
    const columns = sql.literal(EVENT_COLUMNS);

    /** Stored rows that share an event id or a global position with `events`: both are unique keys. */
    const storedOverlapping = (events: ReadonlyArray<RecordedEvent>) =>
      Effect.forEach(Arr.chunksOf(events, CHUNK), (chunk) =>
        sql<EventRow>`
          SELECT ${columns} FROM events
          WHERE event_id IN ${sql.in(chunk.map((e) => e.eventId))} OR global_position IN ${sql.in(chunk.map((e) => e.globalPosition))}`,
      ).pipe(Effect.map((chunks) => chunks.flat()));

    const dialect = yield* storeDialect(sql);
    const insertEvents = rowsStatement(`INSERT INTO events (${EVENT_COLUMNS})`, EVENT_COLUMN_COUNT, '', CHUNK, dialect.placeholder);
    const moveHeads = rowsStatement(
      'INSERT INTO streams (stream_id, previous, position)',
      3,
      `ON CONFLICT (stream_id) DO UPDATE SET previous = excluded.previous, position = excluded.position
       WHERE streams.position <= excluded.previous
       RETURNING stream_id`,
      CHUNK,
      dialect.placeholder,
    );

    const insertAll = (events: ReadonlyArray<RecordedEvent>) =>
      Effect.forEach(
        Arr.chunksOf(events, CHUNK),
        (chunk) => {
          const params: Array<unknown> = [];
          for (const event of chunk) pushEventValues(params, event);
          return sql.unsafe(insertEvents(chunk.length), params).pipe(
            Effect.mapError((error) => (isUniqueViolation(error) ? new UniqueViolation() : error)),
          );
        },
        { discard: true },
      );

    /**
     * Moves each stream's head to the last position the batch gives it, in one upsert, provided the head
     * is still before the batch's first position for that stream. A head at or past it (another writer
     * took the position, or the batch repeats one) is left alone and not returned, which is a
     * ConcurrencyError naming that stream; the caller's transaction then rolls back. No second query is
     * needed to name it (PostgreSQL could not run one in a transaction a failed statement has aborted).
     * On PostgreSQL, ON CONFLICT waits for a concurrent writer's insert or update of the same head and
     * then re-checks the condition: the loser of a race always sees the winner.
     */
    const advanceHeads = (runs: ReadonlyArray<StreamRun>) =>
      Effect.gen(function* () {
        const moved = new Set<string>();
        for (const chunk of Arr.chunksOf(runs, CHUNK)) {
          const params: Array<unknown> = [];
          for (const run of chunk) params.push(run.streamId, run.first - 1, run.last);
          const rows = yield* sql.unsafe<{ stream_id: string }>(moveHeads(chunk.length), params);
          for (const row of rows) moved.add(row.stream_id);
        }
        const stale = runs.find((run) => !moved.has(run.streamId));
        if (stale !== undefined) return yield* new ConcurrencyError({ streamId: stale.streamId, streamPosition: stale.first });
      });

    /** Inserts events whose stream positions rise, and moves the heads. */
    const write = (events: ReadonlyArray<RecordedEvent>) => {
      const runs = streamRuns(events);
      if (runs instanceof ConcurrencyError) return Effect.fail(runs);
      return insertAll(events).pipe(Effect.zipRight(advanceHeads(runs)));
    };

    /**
     * After a collision on an event id or a global position: drop events already stored with identical
     * content (a retried append), refuse an id stored with other content, refuse a taken global position,
     * write the rest. The keys still catch a writer that commits between this read and our insert.
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
          const clash = fresh.find((e) => takenGlobal.has(e.globalPosition));
          if (clash !== undefined) {
            return yield* new ConcurrencyError({ streamId: clash.streamId, streamPosition: clash.streamPosition });
          }
          if (fresh.length > 0) yield* write(fresh);
        }),
      );

    const append = (events: ReadonlyArray<RecordedEvent>) => {
      const [first] = events;
      if (first === undefined) return Effect.void;
      // The single writer's appends never collide, so write first and let the keys speak; only a
      // collision pays for the reads that tell a retried append from a real conflict.
      return sql.withTransaction(write(events)).pipe(
        Effect.catchTag('UniqueViolation', () => attempt(events)),
        // The racing writer has committed by now (PostgreSQL made our insert wait for it), so a second
        // attempt's reads see its rows: an identical retry succeeds, anything else gets a precise error.
        Effect.catchTag('UniqueViolation', () => attempt(events)),
        // Still colliding: yet another writer, or a batch that repeats an event id within itself.
        Effect.catchTag('UniqueViolation', () =>
          Effect.fail(new ConcurrencyError({ streamId: first.streamId, streamPosition: first.streamPosition })),
        ),
        Effect.catchTag('SqlError', (error) => Effect.fail(failed('append')(error))),
      );
    };

    const readAll = (after = 0) =>
      sql<EventRow>`SELECT ${columns} FROM events WHERE global_position > ${after} ORDER BY global_position`.pipe(
        Effect.mapError(failed('readAll')),
        Effect.flatMap(decoded),
      );

    const readPage = (after: number, limit: number) =>
      sql<EventRow>`SELECT ${columns} FROM events WHERE global_position > ${after} ORDER BY global_position LIMIT ${limit}`.pipe(
        Effect.mapError(failed('readPage')),
        Effect.flatMap(decoded),
      );

    // No index by room (0002): this walks the log by position from `after`. It serves debugging and
    // replay of one room, not start-up, which pages through the whole log once.
    const readRoom = (room: string, after = 0) =>
      sql<EventRow>`SELECT ${columns} FROM events WHERE global_position > ${after} AND room = ${room} ORDER BY global_position`.pipe(
        Effect.mapError(failed('readRoom')),
        Effect.flatMap(decoded),
      );

    const lastGlobalPosition = sql<{ last: number | string }>`SELECT COALESCE(MAX(global_position), 0) AS last FROM events`.pipe(
      Effect.map(([row]) => Number(row?.last ?? 0)),
      Effect.mapError(failed('lastGlobalPosition')),
    );

    const ping = sql`SELECT 1`.pipe(Effect.asVoid, Effect.mapError(failed('ping')));

    return EventStore.of({ append, readAll, readPage, readRoom, lastGlobalPosition, ping });
  }),
);
