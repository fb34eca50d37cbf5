/**
 * A throwaway PostgreSQL for the store benchmark. Unlike the test helper (tests/support/postgres.ts),
 * it keeps fsync on: the benchmark measures the durability the server really runs with
 * (synchronous_commit = on, which the server insists on).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './servers.ts';

const run = promisify(execFile);

export interface Postgres {
  readonly url: string;
  readonly stop: () => Promise<void>;
}

async function binDir(): Promise<string> {
  const fromPgConfig = await run('pg_config', ['--bindir']).then((r) => r.stdout.trim(), () => '');
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  const found = [fromPgConfig, ...versions, ...(process.env.PATH ?? '').split(':')].find((d) => d && existsSync(join(d, 'initdb')));
  if (!found) throw new Error('PostgreSQL server binaries not found (no initdb); run scripts/ensure-postgres.sh');
  return found;
}

/** initdb and pg_ctl refuse root, so under root they run as `postgres`. */
const asPostgres = (command: string, args: readonly string[], cwd: string) =>
  process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd }) : run(command, [...args], { cwd });

export async function startPostgres(): Promise<Postgres> {
  const bin = await binDir();
  const dir = await mkdtemp(join(tmpdir(), 'camus-bench-pg-'));
  const data = join(dir, 'data');
  const pgCtl = join(bin, 'pg_ctl');
  const stop = async () => {
    await asPostgres(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop'], dir).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (process.getuid?.() === 0) await run('chown', ['postgres:', dir]);
    await asPostgres(join(bin, 'initdb'), ['-D', data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C', '--no-sync'], dir);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`;
      const started = await asPostgres(pgCtl, ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '60', 'start'], dir).then(
        () => true,
        (error: unknown) => {
          if (attempt >= 5) throw error;
          return false;
        },
      );
      if (started) return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
