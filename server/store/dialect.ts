import type * as SqlClient from '@effect/sql/SqlClient';
import { Effect } from 'effect';

/** What the store's hand-built statements need to know about the database they run on. */
export interface StoreDialect {
  /** How the n-th bound parameter (1-based) is written. */
  readonly placeholder: (index: number) => string;
  /** Rows a statement inserted or updated, from the driver's result of `.raw`. */
  readonly changedRows: (result: unknown) => number;
}

const sqlite: StoreDialect = {
  placeholder: () => '?',
  // better-sqlite3's RunResult.
  changedRows: (result) => (result as { changes: number }).changes,
};

const pg: StoreDialect = {
  placeholder: (index) => `$${index}`,
  // node-postgres's Result.
  changedRows: (result) => (result as { rowCount: number | null }).rowCount ?? 0,
};

export const storeDialect = (sql: SqlClient.SqlClient): Effect.Effect<StoreDialect> =>
  sql.onDialectOrElse({
    sqlite: () => Effect.succeed(sqlite),
    pg: () => Effect.succeed(pg),
    orElse: () => Effect.dieMessage('the event store supports SQLite and PostgreSQL only'),
  });
