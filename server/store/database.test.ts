import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as SqlClient from '@effect/sql/SqlClient';
import { Effect, Layer } from 'effect';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../../tests/support/postgres.ts';
import { databaseLayer, type DatabaseConfig } from './database.ts';
import type { StoreError } from './event-store.ts';
import { migrate } from './migrator.ts';

const root = mkdtempSync(join(tmpdir(), 'camus-database-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const withDatabase = <A, E>(config: DatabaseConfig, effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
  Effect.runPromise(effect.pipe(Effect.provide(databaseLayer(config))));

const buildError = (config: DatabaseConfig): Promise<StoreError> =>
  Effect.runPromise(Effect.flip(Effect.scoped(Layer.build(databaseLayer(config)))));

const dialects: ReadonlyArray<{ readonly name: string; readonly config: () => Promise<DatabaseConfig> }> = [
  { name: 'SQLite', config: async () => ({ dataDir: mkdtempSync(join(root, 'db-')) }) },
  { name: 'PostgreSQL', config: async () => ({ dataDir: root, databaseUrl: await freshDatabase(inject('pgUrl')) }) },
];

describe.each(dialects)('databaseLayer on $name', ({ config }) => {
  it('migrates on first start and finds nothing left to do afterwards', async () => {
    const database = await config();
    const ranAgain = await withDatabase(database, migrate);
    expect(ranAgain).toEqual([]);
    const applied = await withDatabase(
      database,
      Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ migration_id: number }>`SELECT migration_id FROM effect_sql_migrations`),
    );
    expect(applied).toEqual([{ migration_id: 1 }, { migration_id: 2 }]);
  });
});

describe('databaseLayer on SQLite', () => {
  it('creates the data directory and opens camus.db in WAL mode with synchronous FULL', async () => {
    const dataDir = join(root, 'nested', 'data');
    const pragmas = await withDatabase(
      { dataDir },
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        Effect.all([sql`PRAGMA journal_mode`, sql`PRAGMA synchronous`, sql`PRAGMA busy_timeout`]),
      ),
    );
    expect(pragmas).toEqual([[{ journal_mode: 'wal' }], [{ synchronous: 2 }], [{ timeout: 5000 }]]);
  });

  it('says which file it cannot open when the data directory is a file', async () => {
    const dataDir = join(root, 'a-file');
    writeFileSync(dataDir, '');
    const error = await buildError({ dataDir });
    expect(error.message).toMatch(new RegExp(`^cannot open database at ${join(dataDir, 'camus.db')}: .*EEXIST`));
    expect(error.message).not.toContain('\n');
  });

  it('says which file it cannot open when camus.db is not a database', async () => {
    const dataDir = join(root, 'garbage');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'camus.db'), 'this is not an SQLite database, it is a text file of a decent length.');
    const error = await buildError({ dataDir });
    expect(error.message).toMatch(/^cannot open database at .*camus\.db: file is not a database$/);
  });
});

describe('databaseLayer on PostgreSQL', () => {
  it('keeps synchronous_commit on', async () => {
    const databaseUrl = await freshDatabase(inject('pgUrl'));
    const [setting] = await withDatabase(
      { dataDir: root, databaseUrl },
      Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ synchronous_commit: string }>`SHOW synchronous_commit`),
    );
    expect(setting?.synchronous_commit).toBe('on');
  });

  it('refuses a server that has synchronous_commit off', async () => {
    const url = new URL(await freshDatabase(inject('pgUrl')));
    url.searchParams.set('options', '-c synchronous_commit=off');
    const error = await buildError({ dataDir: root, databaseUrl: url.href });
    expect(error.message).toContain('synchronous_commit = off');
  });

  it('says where it cannot connect without printing the password', async () => {
    const error = await buildError({ dataDir: root, databaseUrl: 'postgres://camus:s3cret-pw@127.0.0.1:1/camus' });
    expect(error.message).toMatch(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1\/camus: .*ECONNREFUSED/);
    expect(error.message).not.toContain('s3cret-pw');
    expect(error.message).not.toContain('\n');
  });

  it('reports the server refusing an unknown database', async () => {
    const url = new URL(inject('pgUrl'));
    url.pathname = '/no_such_database';
    url.password = 's3cret-pw';
    const error = await buildError({ dataDir: root, databaseUrl: url.href });
    expect(error.message).toMatch(/^cannot connect to PostgreSQL at 127\.0\.0\.1:\d+\/no_such_database: .*does not exist/);
    expect(error.message).not.toContain('s3cret-pw');
  });

  it('refuses a URL it cannot use, without echoing it', async () => {
    const unsupported = await buildError({ dataDir: root, databaseUrl: 'mysql://root:s3cret-pw@db/camus' });
    expect(unsupported.message).toBe('unsupported database URL (mysql): use postgres:// or postgresql://, or leave it unset for SQLite');
    const invalid = await buildError({ dataDir: root, databaseUrl: 'postgres://root:s3cret-pw@db:99999999/camus' });
    expect(invalid.message).toBe('cannot connect to PostgreSQL: the database URL is not a valid URL');
  });
});
