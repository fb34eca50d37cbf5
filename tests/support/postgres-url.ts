import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inject } from 'vitest';
import { freshDatabase } from './postgres.ts';
import type { DatabaseChoice, RunningServer } from './server.ts';

/** Every integration suite runs once per database: `describe.each(DATABASES)('... (%s)', (kind) => ...)`. */
export type DatabaseKind = 'sqlite' | 'postgres';
export const DATABASES: [DatabaseKind][] = [['sqlite'], ['postgres']];

/** SQLite in the server's DATA_DIR, or a new empty PostgreSQL database in the run's throwaway server. */
export async function databaseFor(kind: DatabaseKind): Promise<DatabaseChoice> {
  if (kind === 'sqlite') return 'sqlite';
  return { url: await freshDatabase(inject('pgUrl')) };
}

// better-sqlite3 and pg come with the server's SQL drivers; they ship no types, so these are the bits we use.
const require = createRequire(import.meta.url);
interface SqliteDatabase {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  close(): void;
}
type SqliteConstructor = new (file: string, options: { readonly: boolean; fileMustExist: boolean }) => SqliteDatabase;
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  end(): Promise<void>;
}
type PgConstructor = new (options: { connectionString: string }) => PgClient;

export interface EventRow {
  readonly globalPosition: number;
  readonly room: string;
  readonly type: string;
  readonly data: string;
}

/**
 * Reads the server's event log directly, behind its back: SQLite's `<DATA_DIR>/camus.db` opened read-only,
 * or the PostgreSQL database in DATABASE_URL.
 */
export async function readEvents(server: Pick<RunningServer, 'dataDir' | 'databaseUrl'>, afterPosition = 0): Promise<EventRow[]> {
  const sql = 'SELECT global_position, room, type, data FROM events WHERE global_position > $after ORDER BY global_position';
  let rows: { global_position: number | string; room: string; type: string; data: string }[];
  if (server.databaseUrl === undefined) {
    const Database = require('better-sqlite3') as SqliteConstructor;
    const db = new Database(join(server.dataDir, 'camus.db'), { readonly: true, fileMustExist: true });
    try {
      rows = db.prepare(sql.replace('$after', '?')).all(afterPosition) as typeof rows;
    } finally {
      db.close();
    }
  } else {
    const { Client } = require('pg') as { Client: PgConstructor };
    const client = new Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      rows = (await client.query(sql.replace('$after', '$1'), [afterPosition])).rows as typeof rows;
    } finally {
      await client.end();
    }
  }
  return rows.map((r) => ({ globalPosition: Number(r.global_position), room: r.room, type: r.type, data: r.data }));
}

/** The number of events in the log and the last position. */
export async function eventLogState(server: Pick<RunningServer, 'dataDir' | 'databaseUrl'>): Promise<{ count: number; last: number }> {
  const rows = await readEvents(server);
  return { count: rows.length, last: rows.at(-1)?.globalPosition ?? 0 };
}
