// Bad configuration and command lines: the process says what is wrong in a line per problem and exits.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, databaseFor } from '../support/postgres-url.ts';
import { freePort, killLeftovers, makeDataDir, runServerToExit, startServer } from '../support/server.ts';

afterAll(killLeftovers);

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

describe.each(DATABASES)('configuration and command line (%s)', (kind) => {
  /** The database this run would otherwise use: nothing below may get as far as touching it. */
  let baseEnv: Record<string, string> = {};
  beforeAll(async () => {
    const database = await databaseFor(kind);
    baseEnv = database === 'sqlite' ? {} : { DATABASE_URL: database.url };
  });

  it.each([
    ['PORT=abc', { PORT: 'abc' }, '  - PORT: expected a whole number from 1 to 65535, got "abc"'],
    [
      'DATABASE_URL=mysql://x',
      { DATABASE_URL: 'mysql://x' },
      '  - DATABASE_URL: expected a postgres:// or postgresql:// URL (leave it unset for SQLite in DATA_DIR)',
    ],
    [
      'SECRET_KEY=short',
      { SECRET_KEY: 'short' },
      '  - SECRET_KEY: must be at least 32 characters (got 5); unset it to have one generated',
    ],
    ['TURN_HOST without a secret', { TURN_HOST: 'turn.camus.test' }, '  - TURN_STATIC_AUTH_SECRET: required when TURN_HOST is set'],
    [
      'ADMIN_TOKEN=short',
      { ADMIN_TOKEN: 'short' },
      '  - ADMIN_TOKEN: must be at least 16 characters (got 5); unset it to keep the admin pages off',
    ],
    ['INSPECT=http://x', { INSPECT: 'http://x' }, '  - INSPECT: expected a ws:// or wss:// URL, got "http://x"'],
    ['ROOM_IDLE_SECONDS=0', { ROOM_IDLE_SECONDS: '0' }, '  - ROOM_IDLE_SECONDS: expected a whole number from 1 to 2592000, got "0"'],
    ['TRUST_PROXY=maybe', { TRUST_PROXY: 'maybe' }, '  - TRUST_PROXY: expected true or false, got "maybe"'],
  ])('%s → exit 2 with one line naming the variable', async (_name, env, problem) => {
    const result = await runServerToExit({ env: { ...baseEnv, ...env } });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual(['camus: Invalid configuration:', problem]);
    expect(result.stdout).toBe('');
  });

  it('several problems at once → exit 2 with one line per problem; secrets in the values are not echoed', async () => {
    const result = await runServerToExit({
      env: { ...baseEnv, PORT: 'abc', DATABASE_URL: 'mysql://root:hunter2-mysql@db.example/camus', SECRET_KEY: 'tooshort-secret', TURN_HOST: 'turn.camus.test' },
    });
    expect(result.code).toBe(2);
    const out = lines(result.stderr);
    expect(out[0]).toBe('camus: Invalid configuration:');
    expect(out.slice(1).map((line) => /^ {2}- ([A-Z_]+):/.exec(line)?.[1])).toEqual(['PORT', 'DATABASE_URL', 'SECRET_KEY', 'TURN_STATIC_AUTH_SECRET']);
    expect(result.stderr).not.toContain('hunter2-mysql');
    expect(result.stderr).not.toContain('tooshort-secret');
  });

  it('an unexpected argument → exit 2 with the usage', async () => {
    const result = await runServerToExit({ args: ['--port=8080'], env: baseEnv });
    expect(result.code).toBe(2);
    const out = lines(result.stderr);
    expect(out[0]).toBe('camus: unexpected argument "--port=8080"');
    expect(out[1]).toMatch(/^Usage: /);
    expect(result.stdout).toBe('');
  });

  it('--help → exit 0 with the usage on stdout', async () => {
    const result = await runServerToExit({ args: ['--help'], env: baseEnv });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: /);
    expect(result.stdout).toContain('environment variables');
    expect(result.stderr).toBe('');
  });

  it('a port already in use → exit 1 with one line', async () => {
    const running = await startServer({ database: kind === 'sqlite' ? 'sqlite' : { url: baseEnv.DATABASE_URL! } });
    try {
      const result = await runServerToExit({ env: { ...baseEnv, PORT: String(running.port) } });
      expect(result.code).toBe(1);
      expect(lines(result.stderr)).toEqual([`camus: port ${running.port} on 127.0.0.1 is already in use; set PORT to another`]);
    } finally {
      expect(await running.stop()).toEqual({ code: 0, signal: null });
    }
  });

  if (kind === 'postgres') {
    it('DATABASE_URL to a closed port → exit 1 with one line that does not contain the password', async () => {
      const port = await freePort();
      const url = `postgres://camus:pg-pass-hunter2@127.0.0.1:${port}/camus`;
      const result = await runServerToExit({ env: { DATABASE_URL: url } });
      expect(result.code).toBe(1);
      const out = lines(result.stderr);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatch(new RegExp(`^camus: cannot start: cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}/camus: .*ECONNREFUSED`));
      expect(result.stderr + result.stdout).not.toContain('pg-pass-hunter2');
      expect(result.stderr + result.stdout).not.toContain(url);
    });
  } else {
    it('a DATA_DIR holding a camus.db that is not a database → exit 1 with one line', async () => {
      const dataDir = await makeDataDir();
      await writeFile(join(dataDir, 'camus.db'), 'this is not a database\n'.repeat(100));
      const result = await runServerToExit({ env: { DATA_DIR: dataDir } });
      expect(result.code).toBe(1);
      expect(lines(result.stderr)).toEqual([`camus: cannot start: cannot open database at ${join(dataDir, 'camus.db')}: file is not a database`]);
    });
  }
});
