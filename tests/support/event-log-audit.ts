import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { RunningServer } from './server.ts';

// better-sqlite3 and pg come with the server's SQL drivers and ship no types: these are the bits used here.
const require = createRequire(import.meta.url);
interface SqliteDatabase {
  prepare(sql: string): { all(): unknown[] };
  close(): void;
}
type SqliteConstructor = new (file: string, options: { readonly: boolean; fileMustExist: boolean }) => SqliteDatabase;
interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<{ rows: unknown[] }>;
  end(): Promise<void>;
}
type PgConstructor = new (options: { connectionString: string }) => PgClient;

export interface AuditedEvent {
  readonly globalPosition: number;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly type: string;
  /** The row's JSON, parsed; undefined when it does not parse (the position is then in `unparsable`). */
  readonly data: Record<string, unknown> | undefined;
}

export interface LogAudit {
  /** SQLite's `PRAGMA integrity_check` lines (`['ok']` when intact); PostgreSQL has no such check: `['ok']`. */
  readonly integrity: readonly string[];
  readonly count: number;
  /** The highest global position, 0 for an empty log. */
  readonly max: number;
  readonly unparsable: readonly number[];
  readonly events: readonly AuditedEvent[];
}

type Row = { global_position: number | string; stream_id: string; stream_position: number | string; type: string; data: string };
const SELECT = 'SELECT global_position, stream_id, stream_position, type, data FROM events ORDER BY global_position';

/**
 * Reads a stopped (or killed) server's whole event log behind its back, as a crash investigator would:
 * SQLite's `camus.db` opened read-only (its WAL included), or the PostgreSQL database the server used.
 */
export async function auditEventLog(server: Pick<RunningServer, 'dataDir' | 'databaseUrl'>): Promise<LogAudit> {
  const { integrity, rows } = server.databaseUrl === undefined ? readSqlite(server.dataDir) : await readPostgres(server.databaseUrl);
  const unparsable: number[] = [];
  const events = rows.map((row): AuditedEvent => {
    const globalPosition = Number(row.global_position);
    let data: Record<string, unknown> | undefined;
    try {
      data = JSON.parse(row.data) as Record<string, unknown>;
    } catch {
      unparsable.push(globalPosition);
    }
    return { globalPosition, streamId: row.stream_id, streamPosition: Number(row.stream_position), type: row.type, data };
  });
  return { integrity, count: events.length, max: events.at(-1)?.globalPosition ?? 0, unparsable, events };
}

function readSqlite(dataDir: string): { integrity: string[]; rows: Row[] } {
  const Database = require('better-sqlite3') as SqliteConstructor;
  const db = new Database(join(dataDir, 'camus.db'), { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[]).map((r) => r.integrity_check);
    return { integrity, rows: db.prepare(SELECT).all() as Row[] };
  } finally {
    db.close();
  }
}

async function readPostgres(url: string): Promise<{ integrity: string[]; rows: Row[] }> {
  const { Client } = require('pg') as { Client: PgConstructor };
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return { integrity: ['ok'], rows: (await client.query(SELECT)).rows as Row[] };
  } finally {
    await client.end();
  }
}
