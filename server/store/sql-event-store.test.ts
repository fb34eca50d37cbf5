import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as SqlClient from '@effect/sql/SqlClient';
import { Deferred, Effect, Either, Fiber, Layer, ManagedRuntime } from 'effect';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../../tests/support/postgres.ts';
import { databaseLayer, type DatabaseConfig } from './database.ts';
import { ConcurrencyError, DuplicateEventId, EventStore, type EventStoreShape, type StoreError } from './event-store.ts';
import type { RecordedEvent } from './recorded-event.ts';
import { SqlEventStoreLive } from './sql-event-store.ts';

const root = mkdtempSync(join(tmpdir(), 'camus-event-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const dialects: ReadonlyArray<{ readonly name: string; readonly config: () => Promise<DatabaseConfig> }> = [
  { name: 'SQLite', config: async () => ({ dataDir: mkdtempSync(join(root, 'db-')) }) },
  { name: 'PostgreSQL', config: async () => ({ dataDir: root, databaseUrl: await freshDatabase(inject('pgUrl')) }) },
];

const event = (globalPosition: number, fields: Partial<RecordedEvent> = {}): RecordedEvent => ({
  globalPosition,
  streamId: 'room-a',
  streamPosition: globalPosition,
  eventId: randomUUID(),
  room: 'a',
  type: 'ChatPosted',
  data: { type: 'ChatPosted', text: `message ${globalPosition}`, at: 1_700_000_000_000 + globalPosition },
  recordedAt: 1_700_000_000_000 + globalPosition,
  ...fields,
});

const rawRow = (globalPosition: number, data: string) => ({
  global_position: globalPosition,
  stream_id: 'room-a',
  stream_position: globalPosition,
  event_id: randomUUID(),
  room: 'a',
  type: 'ChatPosted',
  data,
  recorded_at: 0,
});

describe.each(dialects)('SqlEventStore on $name', ({ config }) => {
  let runtime: ManagedRuntime.ManagedRuntime<EventStore | SqlClient.SqlClient, StoreError>;

  beforeEach(async () => {
    runtime = ManagedRuntime.make(SqlEventStoreLive.pipe(Layer.provideMerge(databaseLayer(await config()))));
  });
  afterEach(() => runtime.dispose());

  const use = <A, E>(f: (store: EventStoreShape) => Effect.Effect<A, E>) => runtime.runPromise(Effect.flatMap(EventStore, f));
  const failure = <A, E>(f: (store: EventStoreShape) => Effect.Effect<A, E>) =>
    runtime.runPromise(Effect.flip(Effect.flatMap(EventStore, f)));
  const insertRaw = (row: ReturnType<typeof rawRow>) =>
    runtime.runPromise(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`INSERT INTO events ${sql.insert(row)}`));

  it('reads the log and each room in global order, from a position on', async () => {
    const events = [
      event(1),
      event(2, { streamId: 'room-b', streamPosition: 1, room: 'b' }),
      event(3, { streamId: 'client-x', streamPosition: 1 }),
      event(4, { streamPosition: 2 }),
      event(5, { streamId: 'room-b', streamPosition: 2, room: 'b' }),
    ];
    // Stored out of order, so only ORDER BY can put them back.
    await use((store) => store.append([...events].reverse()));

    expect(await use((store) => store.readAll())).toEqual(events);
    expect(await use((store) => store.readAll(3))).toEqual(events.slice(3));
    expect(await use((store) => store.readRoom('a'))).toEqual([events[0], events[2], events[3]]);
    expect(await use((store) => store.readRoom('a', 1))).toEqual([events[2], events[3]]);
    expect(await use((store) => store.readRoom('b'))).toEqual([events[1], events[4]]);
    expect(await use((store) => store.readRoom('nobody'))).toEqual([]);
  });

  it('hands back numbers, not driver strings, for every position and time', async () => {
    await use((store) => store.append([event(1), event(2)]));
    const [first] = await use((store) => store.readAll());
    expect(typeof first?.globalPosition).toBe('number');
    expect(typeof first?.streamPosition).toBe('number');
    expect(typeof first?.recordedAt).toBe('number');
    expect(await use((store) => store.lastGlobalPosition)).toBe(2);
  });

  it('reports 0 as the last global position of an empty log, then the highest one', async () => {
    expect(await use((store) => store.lastGlobalPosition)).toBe(0);
    await use((store) => store.append([event(1), event(2), event(3)]));
    expect(await use((store) => store.lastGlobalPosition)).toBe(3);
    await use((store) => store.ping);
  });

  it('refuses a taken stream position or global position with ConcurrencyError', async () => {
    await use((store) => store.append([event(1)]));
    const streamTaken = await failure((store) => store.append([event(2, { streamPosition: 1 })]));
    expect(streamTaken).toEqual(new ConcurrencyError({ streamId: 'room-a', streamPosition: 1 }));
    const globalTaken = await failure((store) => store.append([event(1, { streamId: 'room-b', room: 'b' })]));
    expect(globalTaken).toEqual(new ConcurrencyError({ streamId: 'room-b', streamPosition: 1 }));
    expect(await use((store) => store.readAll())).toHaveLength(1);
  });

  it('refuses a stream position taken under another global position, or repeated in a batch', async () => {
    // No index holds (stream_id, stream_position) any more: the stream's head in `streams` does.
    await use((store) => store.append([event(1), event(2, { streamPosition: 2 })]));
    const forked = await failure((store) => store.append([event(10, { streamPosition: 2 })]));
    expect(forked).toEqual(new ConcurrencyError({ streamId: 'room-a', streamPosition: 2 }));
    const behind = await failure((store) => store.append([event(3, { streamPosition: 1 }), event(4, { streamPosition: 3 })]));
    expect(behind).toEqual(new ConcurrencyError({ streamId: 'room-a', streamPosition: 1 }));
    const inBatch = await failure((store) => store.append([event(3, { streamPosition: 3 }), event(4, { streamPosition: 3 })]));
    expect(inBatch).toEqual(new ConcurrencyError({ streamId: 'room-a', streamPosition: 3 }));
    const zero = await failure((store) => store.append([event(3, { streamId: 'room-z', streamPosition: 0 })]));
    expect(zero).toEqual(new ConcurrencyError({ streamId: 'room-z', streamPosition: 0 }));
    // A gap is stored, as the old UNIQUE constraint stored it: replay's self-check is what reports it.
    await use((store) => store.append([event(3, { streamPosition: 4 }), event(4, { streamId: 'client-y', streamPosition: 1 })]));
    expect((await use((store) => store.readAll())).map((e) => e.globalPosition)).toEqual([1, 2, 3, 4]);
    const afterGap = await failure((store) => store.append([event(5, { streamPosition: 3 })]));
    expect(afterGap).toEqual(new ConcurrencyError({ streamId: 'room-a', streamPosition: 3 }));
  });

  it('names the stream whose head is taken, wherever it is in the batch, and moves no other head', async () => {
    await use((store) => store.append([event(1), event(2, { streamId: 'room-b', streamPosition: 1, room: 'b' })]));
    const taken = await failure((store) => store.append([event(3, { streamPosition: 2 }), event(4, { streamId: 'room-b', streamPosition: 1, room: 'b' })]));
    expect(taken).toEqual(new ConcurrencyError({ streamId: 'room-b', streamPosition: 1 }));
    await use((store) => store.append([event(3, { streamPosition: 2 })]));

    // More streams than one statement moves: the taken head is in the second one.
    const streams = Array.from({ length: 700 }, (_, i) => event(10 + i, { streamId: `client-${i}`, streamPosition: 1 }));
    await use((store) => store.append([streams[600]!]));
    const later = await failure((store) => store.append(streams.filter((_, i) => i !== 600).concat(event(2000, { streamId: 'client-600', streamPosition: 1 }))));
    expect(later).toEqual(new ConcurrencyError({ streamId: 'client-600', streamPosition: 1 }));
    expect(await use((store) => store.lastGlobalPosition)).toBe(610);
  });

  it('reads the log a page at a time', async () => {
    const events = Array.from({ length: 7 }, (_, i) => event(i + 1));
    await use((store) => store.append(events));
    expect(await use((store) => store.readPage(0, 3))).toEqual(events.slice(0, 3));
    expect(await use((store) => store.readPage(3, 3))).toEqual(events.slice(3, 6));
    expect(await use((store) => store.readPage(6, 3))).toEqual(events.slice(6));
    expect(await use((store) => store.readPage(7, 3))).toEqual([]);
  });

  it('stores nothing of a batch that conflicts with the log', async () => {
    const first = event(1);
    await use((store) => store.append([first]));
    const error = await failure((store) => store.append([event(2), event(3), event(4, { streamPosition: 1 })]));
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(await use((store) => store.readAll())).toEqual([first]);
  });

  it('rolls back chunks already inserted when a later chunk of the batch fails', async () => {
    const batch = Array.from({ length: 1200 }, (_, i) => event(i + 1));
    // The last event repeats an earlier stream position: only the insert of the last chunk can notice.
    batch[1199] = event(1200, { streamPosition: 10 });
    expect(await failure((store) => store.append(batch))).toBeInstanceOf(ConcurrencyError);
    expect(await use((store) => store.lastGlobalPosition)).toBe(0);
  });

  it('lets exactly one of 100 concurrent writers take a position', async () => {
    const racers = Array.from({ length: 100 }, (_, i) => event(i + 1, { streamPosition: 1 }));
    const results = await runtime.runPromise(
      Effect.flatMap(EventStore, (store) => Effect.forEach(racers, (racer) => Effect.either(store.append([racer])), { concurrency: 'unbounded' })),
    );
    expect(results.filter(Either.isRight)).toHaveLength(1);
    const losers = results.filter(Either.isLeft).map((result) => result.left);
    expect(losers).toHaveLength(99);
    for (const loser of losers) expect(loser).toEqual(new ConcurrencyError({ streamId: 'room-a', streamPosition: 1 }));
    expect(await use((store) => store.readAll())).toHaveLength(1);
  });

  /**
   * `winner` is appended in a transaction that stays open while `contender` appends; on PostgreSQL the
   * contender's checks cannot see the uncommitted row, so its insert waits for the commit and then collides.
   */
  const raceAgainstUncommitted = (winner: RecordedEvent, contender: RecordedEvent) =>
    runtime.runPromise(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient;
        const store = yield* EventStore;
        const appended = yield* Deferred.make<void>();
        const commit = yield* Deferred.make<void>();
        const holder = yield* Effect.fork(
          sql.withTransaction(
            store.append([winner]).pipe(Effect.zipRight(Deferred.succeed(appended, undefined)), Effect.zipRight(Deferred.await(commit))),
          ),
        );
        yield* Deferred.await(appended);
        const contending = yield* Effect.fork(Effect.either(store.append([contender])));
        // Time for the contender to pass its checks; if it has not, its checks see the commit: same outcome.
        yield* Effect.sleep('200 millis');
        yield* Deferred.succeed(commit, undefined);
        yield* Fiber.join(holder);
        return yield* Fiber.join(contending);
      }),
    );

  it('names the conflict when the other writer commits between our checks and our insert', async () => {
    const result = await raceAgainstUncommitted(event(1), event(2, { streamPosition: 1 }));
    expect(result).toEqual(Either.left(new ConcurrencyError({ streamId: 'room-a', streamPosition: 1 })));
  });

  it('accepts an identical retry racing the original append', async () => {
    const original = event(1);
    expect(Either.isRight(await raceAgainstUncommitted(original, original))).toBe(true);
    expect(await use((store) => store.readAll())).toEqual([original]);
  });

  it('accepts a retried batch without storing it twice, and stores only its new events', async () => {
    const batch = [event(1), event(2), event(3)];
    await use((store) => store.append(batch));
    await use((store) => store.append(batch));
    expect(await use((store) => store.readAll())).toEqual(batch);

    const extended = [...batch, event(4)];
    await use((store) => store.append(extended));
    expect(await use((store) => store.readAll())).toEqual(extended);
  });

  it('refuses an event id already stored with other content', async () => {
    const original = event(1);
    await use((store) => store.append([original]));
    const edited = { ...original, data: { type: 'ChatPosted', text: 'edited' } };
    expect(await failure((store) => store.append([edited]))).toEqual(new DuplicateEventId({ eventId: original.eventId }));
    const moved = { ...original, globalPosition: 2, streamPosition: 2 };
    expect(await failure((store) => store.append([event(3), moved]))).toEqual(new DuplicateEventId({ eventId: original.eventId }));
    expect(await use((store) => store.readAll())).toEqual([original]);
  });

  it('appends and reads back thousands of events in one batch, and accepts its retry', async () => {
    const batch = Array.from({ length: 3000 }, (_, i) =>
      event(i + 1, { streamId: `room-${i % 2 === 0 ? 'a' : 'b'}`, streamPosition: Math.floor(i / 2) + 1, room: i % 2 === 0 ? 'a' : 'b' }),
    );
    await use((store) => store.append(batch));
    await use((store) => store.append(batch));
    expect(await use((store) => store.readAll())).toEqual(batch);
    expect(await use((store) => store.readRoom('b'))).toHaveLength(1500);
  });

  it('fails with a CorruptEvent naming the position when a stored row is not a JSON event', async () => {
    await use((store) => store.append([event(1)]));
    await insertRaw(rawRow(2, '{"type": "ChatPos'));
    const unparsable = await failure((store) => store.readAll());
    expect(unparsable._tag).toBe('CorruptEvent');
    expect(unparsable.message).toContain('global position 2');
    expect((await failure((store) => store.readRoom('a'))).message).toContain('global position 2');
    expect((await failure((store) => store.readPage(0, 10))).message).toContain('global position 2');
    expect(await use((store) => store.readAll(2))).toEqual([]);

    await insertRaw(rawRow(3, '[1, 2]'));
    expect((await failure((store) => store.readAll(2))).message).toContain('global position 3');
  });
});
