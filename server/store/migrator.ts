import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as Migrator from '@effect/sql/Migrator';
import * as SqlClient from '@effect/sql/SqlClient';
import { Effect } from 'effect';
import { StoreError } from './event-store.ts';
import { reasonOf } from './sql-failure.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);

/** `NNNN_name.sql` serves both databases; `NNNN_name.sqlite.sql` with `NNNN_name.pg.sql` where they must differ. */
const MIGRATION_FILE = /^(\d+)_(.+?)(?:\.(sqlite|pg))?\.sql$/;

type Dialect = 'both' | 'sqlite' | 'pg';

/**
 * better-sqlite3 prepares one statement per call, so a file is cut at each `;` that ends a line (a comment
 * may follow it). Comment-only lines go first: a piece holding nothing but a comment is not a statement.
 */
const statementsOf = (text: string): ReadonlyArray<string> =>
  text
    .replace(/^\s*--.*$/gm, '')
    .split(/;[ \t]*(?:--.*)?$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');

const runStatements = (sql: SqlClient.SqlClient, statements: ReadonlyArray<string>) =>
  Effect.forEach(statements, (statement) => sql.unsafe(statement), { discard: true });

/** One migration's statements per dialect; a migration with dialect files must have both. */
const resolve = (id: number, name: string, files: ReadonlyMap<Dialect, ReadonlyArray<string>>): Migrator.ResolvedMigration => {
  const both = files.get('both');
  const sqlite = files.get('sqlite');
  const pg = files.get('pg');
  const file = `${String(id).padStart(4, '0')}_${name}`;
  if (both !== undefined && files.size > 1) throw new Error(`migration ${file} has both ${file}.sql and dialect files`);
  if (both === undefined && (sqlite === undefined || pg === undefined)) {
    throw new Error(`migration ${file} needs both ${file}.sqlite.sql and ${file}.pg.sql`);
  }
  return [
    id,
    name,
    Effect.succeed(
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql.onDialectOrElse({
          sqlite: () => runStatements(sql, both ?? sqlite ?? []),
          pg: () => runStatements(sql, both ?? pg ?? []),
          orElse: () => Effect.dieMessage(`migration ${id}_${name}: only SQLite and PostgreSQL are supported`),
        }),
      ),
    ),
  ];
};

/** `Migrator.fromFileSystem` only loads `.js`/`.ts` modules; our migrations are plain SQL. */
const fromSqlDirectory = (directory: URL): Migrator.Loader =>
  Effect.try({
    try: () => {
      const found = new Map<number, { name: string; files: Map<Dialect, ReadonlyArray<string>> }>();
      for (const file of readdirSync(directory)) {
        const match = MIGRATION_FILE.exec(file);
        if (!match) continue;
        const id = Number(match[1]);
        const name = match[2] ?? '';
        const entry = found.get(id) ?? { name, files: new Map() };
        if (entry.name !== name) throw new Error(`migration ${id} has two names: ${entry.name} and ${name}`);
        entry.files.set((match[3] as Dialect | undefined) ?? 'both', statementsOf(readFileSync(new URL(file, directory), 'utf8')));
        found.set(id, entry);
      }
      return [...found]
        .sort(([a], [b]) => a - b)
        .map(([id, { name, files }]) => resolve(id, name, files));
    },
    catch: (cause) =>
      new Migrator.MigrationError({
        reason: 'import-error',
        message: `cannot read migrations in ${fileURLToPath(directory)}: ${reasonOf(cause)}`,
        cause,
      }),
  });

const cannotMigrate = (cause: unknown) => new StoreError({ message: `cannot migrate the database: ${reasonOf(cause)}`, cause });

/**
 * Runs the pending migrations of `directory` (all in one transaction; applied ids are kept in
 * `effect_sql_migrations`) and returns the `[id, name]` of those it ran.
 */
export const migrationsIn = (
  directory: URL,
): Effect.Effect<ReadonlyArray<readonly [id: number, name: string]>, StoreError, SqlClient.SqlClient> =>
  Migrator.make({})({ loader: fromSqlDirectory(directory) }).pipe(
    Effect.mapError(cannotMigrate),
    // The Migrator dies (orDie) when a migration's SQL fails; for the caller that is one more reason not to start.
    Effect.catchAllDefect((defect) => Effect.fail(cannotMigrate(defect))),
  );

/** Brings the database up to the migrations shipped in `migrations/`. Safe to run on every start. */
export const migrate = migrationsIn(MIGRATIONS);
