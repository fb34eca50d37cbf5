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

/** A head the append had to move was at or past the batch's first position for its stream. */
class HeadsTaken extends Data.TaggedError('HeadsTaken')<{ readonly runs: ReadonlyArray<StreamRun> }> {}

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
       WHERE streams.position <= excluded.previous`,
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
     * took the position, or the batch repeats one) is left alone, so fewer rows change than the batch
     * has streams, and the append fails with HeadsTaken (its transaction rolls back). The rows changed
     * are counted rather than returned: RETURNING made SQLite's upsert more than twice as slow.
     * On PostgreSQL, ON CONFLICT waits for a concurrent writer's insert or update of the same head and
     * then re-checks the condition: the loser of a race always sees the winner.
     */
    const advanceHeads = (runs: ReadonlyArray<StreamRun>) =>
      Effect.forEach(
        Arr.chunksOf(runs, CHUNK),
        (chunk) => {
          const params: Array<unknown> = [];
          for (const run of chunk) params.push(run.streamId, run.first - 1, run.last);
          return Effect.flatMap(sql.unsafe(moveHeads(chunk.length), params).raw, (result) =>
            dialect.changedRows(result) === chunk.length ? Effect.void : Effect.fail(new HeadsTaken({ runs })),
          );
        },
        { discard: true },
      );

    /**
     * Names the stream whose head an append could not move, once its transaction has rolled back: inside
     * it, the heads the append did move would look taken too. Heads only move forward, so the head that
     * stopped the append is still at or past the batch's first position for its stream; the batch's
     * first stream is named only if the database has somehow lost that head.
     */
    const takenStream = (runs: ReadonlyArray<StreamRun>) =>
      Effect.gen(function* () {
        const heads = new Map<string, number>();
        for (const chunk of Arr.chunksOf(runs, CHUNK)) {
          const rows = yield* sql<{ stream_id: string; position: number | string }>`
            SELECT stream_id, position FROM streams WHERE stream_id IN ${sql.in(chunk.map((run) => run.streamId))}`;
          for (const row of rows) heads.set(row.stream_id, Number(row.position));
        }
        const taken = runs.find((run) => (heads.get(run.streamId) ?? 0) >= run.first) ?? runs[0]!;
        return yield* new ConcurrencyError({ streamId: taken.streamId, streamPosition: taken.first });
      });

    /** One append's transaction; a head it could not move becomes a ConcurrencyError after the rollback. */
    const transaction = <E>(effect: Effect.Effect<void, E | HeadsTaken>) =>
      sql.withTransaction(effect).pipe(
        Effect.catchIf(
          (error): error is HeadsTaken => error instanceof HeadsTaken,
          ({ runs }) => takenStream(runs),
        ),
      );

    /** Inserts events whose stream positions rise, and moves the heads. */
    const write = (events: ReadonlyArray<RecordedEvent>): Effect.Effect<void, ConcurrencyError | UniqueViolation | HeadsTaken | SqlError> => {
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
      transaction(
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
      return transaction(write(events)).pipe(
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
