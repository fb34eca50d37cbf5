import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as Migrator from '@effect/sql/Migrator';
import * as SqlClient from '@effect/sql/SqlClient';
import { Effect } from 'effect';
import { StoreError } from './event-store.ts';
import { reasonOf } from './sql-failure.ts';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);

const MIGRATION_FILE = /^(\d+)_(.+)\.sql$/;

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

const runStatements = (statements: ReadonlyArray<string>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => Effect.forEach(statements, (statement) => sql.unsafe(statement), { discard: true }));

/** `Migrator.fromFileSystem` only loads `.js`/`.ts` modules; our migrations are plain SQL shared by both dialects. */
const fromSqlDirectory = (directory: URL): Migrator.Loader =>
  Effect.try({
    try: () =>
      readdirSync(directory)
        .flatMap((file) => {
          const match = MIGRATION_FILE.exec(file);
          return match ? [{ id: Number(match[1]), name: match[2] ?? '', file }] : [];
        })
        .sort((a, b) => a.id - b.id)
        .map(({ id, name, file }): Migrator.ResolvedMigration => {
          const statements = statementsOf(readFileSync(new URL(file, directory), 'utf8'));
          return [id, name, Effect.succeed(runStatements(statements))];
        }),
    catch: (cause) =>
      new Migrator.MigrationError({
        reason: 'import-error',
        message: `cannot read migrations in ${fileURLToPath(directory)}`,
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
