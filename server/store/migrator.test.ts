import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as SqlClient from '@effect/sql/SqlClient';
import { SqliteClient } from '@effect/sql-sqlite-node';
import { Effect } from 'effect';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsIn } from './migrator.ts';

const root = mkdtempSync(join(tmpdir(), 'camus-migrator-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A migrations directory holding `files`, and a fresh SQLite database to run it on. */
const fixture = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(root, 'case-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const run = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
    Effect.runPromise(effect.pipe(Effect.provide(SqliteClient.layer({ filename: join(dir, 'test.db') }))));
  return { migrations: migrationsIn(pathToFileURL(`${dir}/`)), run };
};

const tables = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'effect_%' ORDER BY name`,
);

describe('migrationsIn', () => {
  it('runs NNNN_name.sql files in numeric order, one statement at a time, and only once', async () => {
    const { migrations, run } = fixture({
      '0010_later.sql': 'ALTER TABLE b ADD COLUMN note TEXT;\n',
      '0001_first.sql': '-- a comment; with a semicolon;\nCREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER); -- trailing\n-- done\n',
      '0002_second.sql': 'INSERT INTO b (id) VALUES (1);\nINSERT INTO b (id)\n  VALUES (2);',
      'README.md': 'not a migration',
      '0003_draft.sql.bak': 'DROP TABLE a;',
    });
    expect(await run(migrations)).toEqual([
      [1, 'first'],
      [2, 'second'],
      [10, 'later'],
    ]);
    expect(await run(migrations)).toEqual([]);
    expect(await run(tables)).toEqual([{ name: 'a' }, { name: 'b' }]);
    const rows = await run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`SELECT id, note FROM b ORDER BY id`));
    expect(rows).toEqual([
      { id: 1, note: null },
      { id: 2, note: null },
    ]);
  });

  it('fails with a StoreError naming the migration, and applies none of the pending ones', async () => {
    const { migrations, run } = fixture({
      '0001_fine.sql': 'CREATE TABLE a (id INTEGER);',
      '0002_broken.sql': 'CREAT TABLE b (id INTEGER);',
    });
    const error = await run(Effect.flip(migrations));
    expect(error._tag).toBe('StoreError');
    expect(error.message).toMatch(/^cannot migrate the database: Migration "2_broken" failed: .*syntax error/);
    expect(await run(tables)).toEqual([]);
  });

  it('runs the file for its own dialect when a migration differs between SQLite and PostgreSQL', async () => {
    const { migrations, run } = fixture({
      '0001_shared.sql': 'CREATE TABLE a (id INTEGER);',
      '0002_split.sqlite.sql': 'CREATE TABLE only_sqlite (id INTEGER);',
      '0002_split.pg.sql': 'CREATE TABLE only_pg (id BIGINT);',
    });
    expect(await run(migrations)).toEqual([
      [1, 'shared'],
      [2, 'split'],
    ]);
    expect(await run(tables)).toEqual([{ name: 'a' }, { name: 'only_sqlite' }]);
  });

  it('refuses a migration that has a file for one dialect only', async () => {
    const { migrations, run } = fixture({ '0001_half.sqlite.sql': 'CREATE TABLE a (id INTEGER);' });
    const error = await run(Effect.flip(migrations));
    expect(error.message).toContain('migration 0001_half needs both 0001_half.sqlite.sql and 0001_half.pg.sql');
    expect(await run(tables)).toEqual([]);
  });
});
