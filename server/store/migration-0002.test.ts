// 0002 rebuilds the log's table on SQLite and drops constraints on PostgreSQL: a database written under
// 0001 must come out with every event intact, the stream heads right, and the guarantees still held.
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as SqlClient from '@effect/sql/SqlClient';
import { PgClient } from '@effect/sql-pg';
import { SqliteClient } from '@effect/sql-sqlite-node';
import { Effect, Layer, ManagedRuntime, Redacted } from 'effect';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../../tests/support/postgres.ts';
import { databaseLayer, type DatabaseConfig } from './database.ts';
import { ConcurrencyError, EventStore, type EventStoreShape } from './event-store.ts';
import { toRow } from './event-rows.ts';
import { migrationsIn } from './migrator.ts';
import type { RecordedEvent } from './recorded-event.ts';
import { SqlEventStoreLive } from './sql-event-store.ts';

const root = mkdtempSync(join(tmpdir(), 'camus-migration-0002-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A migrations directory holding 0001 alone: the schema every existing database has. */
const only0001 = (() => {
  const dir = mkdtempSync(join(root, 'migrations-'));
  copyFileSync(new URL('../../migrations/0001_events.sql', import.meta.url), join(dir, '0001_events.sql'));
  return pathToFileURL(`${dir}/`);
})();

const event = (globalPosition: number, streamId: string, streamPosition: number, room: string): RecordedEvent => ({
  globalPosition,
  streamId,
  streamPosition,
  eventId: randomUUID(),
  room,
  type: 'ClientJoined',
  data: { type: 'ClientJoined', at: 1_700_000_000_000 + globalPosition, clientId: streamId },
  recordedAt: 1_700_000_000_000 + globalPosition,
});

const old = [
  event(1, 'room-a', 1, 'a'),
  event(2, 'client-x', 1, 'a'),
  event(3, 'room-b', 1, 'b'),
  event(4, 'client-x', 2, 'a'),
  event(5, 'room-a', 2, 'a'),
  event(6, 'client-x', 3, 'a'),
];

const dialects: ReadonlyArray<{
  readonly name: string;
  readonly setup: () => Promise<{ config: DatabaseConfig; client: Layer.Layer<SqlClient.SqlClient, unknown> }>;
}> = [
  {
    name: 'SQLite',
    setup: async () => {
      const dataDir = mkdtempSync(join(root, 'db-'));
      return { config: { dataDir }, client: SqliteClient.layer({ filename: join(dataDir, 'camus.db') }) };
    },
  },
  {
    name: 'PostgreSQL',
    setup: async () => {
      const url = await freshDatabase(inject('pgUrl'));
      return { config: { dataDir: root, databaseUrl: url }, client: PgClient.layer({ url: Redacted.make(url) }) };
    },
  },
];

describe.each(dialects)('migration 0002 on $name', ({ setup }) => {
  it('carries a 0001 log forward with its data, its stream heads and its guarantees', async () => {
    const { config, client } = await setup();
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* migrationsIn(only0001);
        const sql = yield* SqlClient.SqlClient;
        yield* sql`INSERT INTO events ${sql.insert(old.map(toRow))}`;
      }).pipe(Effect.provide(client)),
    );

    const runtime = ManagedRuntime.make(SqlEventStoreLive.pipe(Layer.provideMerge(databaseLayer(config))));
    try {
      const use = <A, E>(f: (store: EventStoreShape) => Effect.Effect<A, E>) => runtime.runPromise(Effect.flatMap(EventStore, f));
      const query = <A extends object>(text: string) => runtime.runPromise(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text)));
      const applied = await query<{ migration_id: number }>('SELECT migration_id FROM effect_sql_migrations ORDER BY migration_id');
      expect(applied.map((row) => Number(row.migration_id))).toEqual([1, 2]);

      expect(await use((store) => store.readAll())).toEqual(old);
      expect(await use((store) => store.readRoom('a'))).toEqual(old.filter((e) => e.room === 'a'));
      const heads = await query<{ stream_id: string; position: number | string }>('SELECT stream_id, position FROM streams ORDER BY stream_id');
      expect(heads.map((row) => [row.stream_id, Number(row.position)])).toEqual([
        ['client-x', 3],
        ['room-a', 2],
        ['room-b', 1],
      ]);

      // The log goes on where 0001 left it, and the moved guarantees hold for the old streams.
      expect(await use((store) => store.lastGlobalPosition)).toBe(6);
      const forked = await runtime.runPromise(Effect.flip(Effect.flatMap(EventStore, (store) => store.append([event(7, 'client-x', 3, 'a')]))));
      expect(forked).toEqual(new ConcurrencyError({ streamId: 'client-x', streamPosition: 3 }));
      const reused = await runtime.runPromise(Effect.flip(Effect.flatMap(EventStore, (store) => store.append([event(6, 'room-c', 1, 'c')]))));
      expect(reused).toEqual(new ConcurrencyError({ streamId: 'room-c', streamPosition: 1 }));
      await use((store) => store.append([event(7, 'client-x', 4, 'a'), event(8, 'room-c', 1, 'c')]));
      expect((await use((store) => store.readAll())).map((e) => e.globalPosition)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    } finally {
      await runtime.dispose();
    }
  });
});

describe('migration 0002 on SQLite', () => {
  it('makes the global position the rowid and keeps only the event id index', async () => {
    const dataDir = mkdtempSync(join(root, 'db-'));
    const [columns, indexes] = await Effect.runPromise(
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        Effect.all([
          sql<{ name: string; type: string; pk: number }>`SELECT name, type, pk FROM pragma_table_info('events') WHERE pk > 0`,
          sql<{ name: string; unique: number }>`SELECT name, "unique" FROM pragma_index_list('events')`,
        ]),
      ).pipe(Effect.provide(databaseLayer({ dataDir }))),
    );
    expect(columns).toEqual([{ name: 'global_position', type: 'INTEGER', pk: 1 }]);
    expect(indexes).toEqual([{ name: 'sqlite_autoindex_events_1', unique: 1 }]);
  });
});
