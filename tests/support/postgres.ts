import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import * as SqlClient from '@effect/sql/SqlClient';
import { PgClient } from '@effect/sql-pg';
import { Effect, Redacted } from 'effect';
import { freePort } from './free-port.ts';

const run = promisify(execFile);

export interface Postgres {
  /** `postgres://postgres@127.0.0.1:<port>/camus_test`, trust auth, no password. */
  readonly url: string;
  readonly stop: () => Promise<void>;
}

const serverVersions = (): Array<string> =>
  existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];

/** Debian keeps the server tools out of PATH, under /usr/lib/postgresql/<version>/bin. */
const findBinDir = async (): Promise<string> => {
  const fromPgConfig = await run('pg_config', ['--bindir']).then((r) => r.stdout.trim(), () => '');
  const candidates = [fromPgConfig, ...serverVersions(), ...(process.env.PATH ?? '').split(delimiter)];
  const found = candidates.find((dir) => dir !== '' && existsSync(join(dir, 'initdb')));
  if (found === undefined) throw new Error('PostgreSQL server binaries not found (no initdb): run scripts/ensure-postgres.sh');
  return found;
};

/** initdb and pg_ctl refuse to run as root, so under root they run as the `postgres` user. */
const asPostgres = (command: string, args: ReadonlyArray<string>, cwd: string) =>
  process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd }) : run(command, args, { cwd });

/** A port that was free a moment ago; the caller retries if someone takes it first. */

const startOnSomePort = async (pgCtl: string, data: string, dir: string, fsync: boolean, attempts = 5): Promise<number> => {
  const port = await freePort();
  // -l sends the server's output to a file: otherwise the postmaster keeps our stdout pipe open.
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}${fsync ? '' : ' -c fsync=off'}`;
  const started = await asPostgres(pgCtl, ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '60', 'start'], dir).then(
    () => true,
    (error: unknown) => {
      if (attempts <= 1) throw error;
      return false;
    },
  );
  return started ? port : startOnSomePort(pgCtl, data, dir, fsync, attempts - 1);
};

/**
 * Starts a throwaway PostgreSQL on 127.0.0.1 (data in a temp dir) with an empty `camus_test` database.
 * Tests run it with fsync off; the benchmark keeps it on, to measure the durability the server runs with.
 */
export async function startPostgres(options: { fsync?: boolean } = {}): Promise<Postgres> {
  const bin = await findBinDir();
  const dir = await mkdtemp(join(tmpdir(), 'camus-pg-'));
  const data = join(dir, 'data');
  const pgCtl = join(bin, 'pg_ctl');
  const stop = async () => {
    await asPostgres(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop'], dir).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (process.getuid?.() === 0) await run('chown', ['postgres:', dir]);
    await asPostgres(join(bin, 'initdb'), ['-D', data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C', '--no-sync'], dir);
    const port = await startOnSomePort(pgCtl, data, dir, options.fsync ?? false);
    await run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'camus_test']);
    return { url: `postgres://postgres@127.0.0.1:${port}/camus_test`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Creates an empty database next to the one in `url` and returns its URL, so each test starts clean. */
export async function freshDatabase(url: string): Promise<string> {
  const name = `test_${randomUUID().replaceAll('-', '')}`;
  await Effect.runPromise(
    Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(`CREATE DATABASE ${name}`)).pipe(
      Effect.provide(PgClient.layer({ url: Redacted.make(url) })),
    ),
  );
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  return fresh.href;
}
