import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as Reactivity from '@effect/experimental/Reactivity';
import * as SqlClient from '@effect/sql/SqlClient';
import { PgClient } from '@effect/sql-pg';
import { SqliteClient } from '@effect/sql-sqlite-node';
import { Context, Effect, Layer, Redacted } from 'effect';
import { StoreError } from './event-store.ts';
import { migrate } from './migrator.ts';
import { reasonOf } from './sql-failure.ts';

export interface DatabaseConfig {
  /** `postgres://` or `postgresql://` selects PostgreSQL; unset or empty selects SQLite. */
  readonly databaseUrl?: string | undefined;
  /** Where SQLite keeps `camus.db` (created if missing). */
  readonly dataDir: string;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/** Where we connect, for error messages: never the URL itself, which may carry a password. */
const describeTarget = (url: URL): string => {
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  return `${host}:${url.port || '5432'}${url.pathname === '' ? '/' : url.pathname}`;
};

const sqlite = (dataDir: string): Layer.Layer<SqlClient.SqlClient, StoreError> => {
  const filename = join(dataDir, 'camus.db');
  const cannotOpen = (cause: unknown) => new StoreError({ message: `cannot open database at ${filename}: ${reasonOf(cause)}`, cause });
  return Layer.scopedContext(
    Effect.gen(function* () {
      yield* Effect.try({ try: () => mkdirSync(dataDir, { recursive: true }), catch: cannotOpen });
      const client = yield* SqliteClient.make({ filename }).pipe(
        // better-sqlite3 throws from its constructor (and from the WAL pragma on a file that is not a
        // database); SqliteClient.make lets that escape as a defect.
        Effect.catchAllDefect((defect) => Effect.fail(cannotOpen(defect))),
      );
      // WAL is SqliteClient's default. FULL also syncs the WAL on every commit: NORMAL can lose the last
      // acknowledged commits on power loss. SqliteClient keeps a single connection, so setting these once holds.
      yield* client`PRAGMA synchronous = FULL`.pipe(Effect.mapError(cannotOpen));
      yield* client`PRAGMA busy_timeout = 5000`.pipe(Effect.mapError(cannotOpen));
      return Context.make(SqlClient.SqlClient, client);
    }),
  ).pipe(Layer.provide(Reactivity.layer));
};

const postgres = (databaseUrl: string): Layer.Layer<SqlClient.SqlClient, StoreError> =>
  Layer.scopedContext(
    Effect.gen(function* () {
      const target = yield* Effect.try({
        try: () => describeTarget(new URL(databaseUrl)),
        catch: () => new StoreError({ message: 'cannot connect to PostgreSQL: the database URL is not a valid URL' }),
      });
      const cannotConnect = (cause: unknown) =>
        new StoreError({ message: `cannot connect to PostgreSQL at ${target}: ${reasonOf(cause)}`, cause });
      const client = yield* PgClient.make({ url: Redacted.make(databaseUrl) }).pipe(Effect.mapError(cannotConnect));
      // With synchronous_commit off, a crash loses commits we already acknowledged; refuse rather than lie.
      const [setting] = yield* client<{ synchronous_commit: string }>`SHOW synchronous_commit`.pipe(Effect.mapError(cannotConnect));
      if (setting?.synchronous_commit === 'off') {
        return yield* new StoreError({
          message: `PostgreSQL at ${target} has synchronous_commit = off, which can lose acknowledged events on a crash`,
        });
      }
      return Context.make(SqlClient.SqlClient, client);
    }),
  ).pipe(Layer.provide(Reactivity.layer));

const client = ({ databaseUrl, dataDir }: DatabaseConfig): Layer.Layer<SqlClient.SqlClient, StoreError> => {
  if (databaseUrl === undefined || databaseUrl === '') return sqlite(dataDir);
  if (POSTGRES_URL.test(databaseUrl)) return postgres(databaseUrl);
  // Falling back to SQLite would quietly write the log somewhere the operator did not ask for.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1] ?? 'no scheme';
  return Layer.fail(new StoreError({ message: `unsupported database URL (${scheme}): use postgres:// or postgresql://, or leave it unset for SQLite` }));
};

/**
 * The SQL client for the configured database, migrated to the latest schema before anything can use it.
 * Building it fails with a one-line StoreError that is safe to print (no password).
 */
export const databaseLayer = (config: DatabaseConfig): Layer.Layer<SqlClient.SqlClient, StoreError> =>
  Layer.effectDiscard(migrate).pipe(Layer.provideMerge(client(config)));
