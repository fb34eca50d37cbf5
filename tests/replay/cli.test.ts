import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { USAGE } from '../../server/replay/args.ts';
import { freshDatabase } from '../support/postgres.ts';
import type { FixtureName } from '../fixtures/logs/generate.ts';
import { append, envOf, fixture, followCli, golden, readGolden, runCli, type Target } from './support.ts';

/** better-sqlite3 comes with @effect/sql-sqlite-node and has no type declarations here. */
interface RawDatabase {
  prepare(sql: string): { run(...params: unknown[]): unknown };
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => RawDatabase;

const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'camus-replay-'));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

async function sqliteWith(name: FixtureName): Promise<{ dataDir: string }> {
  const target = { dataDir: tempDir() };
  await append(target, fixture(name));
  return target;
}

const FIXTURES = [
  { name: 'two-person-call', slug: 'two-person-call', code: 0 },
  { name: 'guest-limit-timeouts', slug: 'room-for-two', code: 0 },
  { name: 'broken-log', slug: 'broken-log', code: 1 },
] as const;

/** Positions of the event lines of a text timeline. */
const positions = (stdout: string) => [...stdout.matchAll(/^#(\d+) /gm)].map((m) => Number(m[1]));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const summaryStart = (text: string) => text.indexOf('\n\nroom ');

describe('replay CLI on SQLite', () => {
  const targets = new Map<string, Target>();
  beforeAll(async () => {
    for (const { name } of FIXTURES) targets.set(name, await sqliteWith(name));
  });

  for (const { name, slug, code } of FIXTURES) {
    it(`prints the golden timeline of ${name} and exits ${code}`, async () => {
      const run = await runCli([slug], envOf(targets.get(name)!));
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(golden(`${name}.timeline.txt`, run.stdout));
      expect(run.code).toBe(code);
    });

    it(`prints ${name} as JSON lines equal to the golden ones`, async () => {
      const run = await runCli([slug, '--json'], envOf(targets.get(name)!));
      expect(run.code).toBe(code);
      expect(run.stdout).toBe(golden(`${name}.timeline.jsonl`, run.stdout));
      const lines = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { kind: string; position?: number });
      expect(lines.at(-1)!.kind).toBe('summary');
      expect(lines.slice(0, -1).map((l) => l.kind)).toEqual(lines.slice(0, -1).map(() => 'event'));
      expect(lines.slice(0, -1).map((l) => l.position)).toEqual(fixture(name).map((e) => e.globalPosition));
    });
  }

  it('reports both problems of the broken log in the self-check', async () => {
    const run = await runCli(['broken-log'], envOf(targets.get('broken-log')!));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      [
        'self-check: 2 problem(s)',
        '  #9 client-a11ce000000000000000000000000001: expected stream position 3, found 4',
        '  #11 room-broken-log: ClientLeft is not accepted in state {"open":"occupied"}',
      ].join('\n'),
    );
    const json = await runCli(['broken-log', '--json'], envOf(targets.get('broken-log')!));
    const summary = JSON.parse(json.stdout.trimEnd().split('\n').at(-1)!) as { problems: { globalPosition: number }[] };
    expect(summary.problems.map((p) => p.globalPosition)).toEqual([9, 11]);
  });

  describe('filters', () => {
    const call = () => envOf(targets.get('two-person-call')!);

    it('--from and --to keep an inclusive range of global positions', async () => {
      expect(positions((await runCli(['two-person-call', '--from', '10', '--to', '20'], call())).stdout)).toEqual(range(10, 20));
      expect(positions((await runCli(['two-person-call', '--from', '30'], call())).stdout)).toEqual(range(30, 33));
      expect(positions((await runCli(['two-person-call', '--to', '3'], call())).stdout)).toEqual([1, 2, 3]);
    });

    it('--since and --until keep an inclusive time window, in ISO 8601 or epoch milliseconds', async () => {
      // Bob's socket drops at 22:13:59.575 and is back 4.2 s later; his new offer follows 300 ms after.
      const iso = await runCli(['two-person-call', '--since', '2023-11-14T22:13:59.575Z', '--until', '2023-11-14T22:14:04.075Z'], call());
      expect(positions(iso.stdout)).toEqual([20, 21, 22]);
      const ms = await runCli(['two-person-call', '--since', '1700000039575', '--until', '1700000044075', '--json'], call());
      const events = ms.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; position: number; event: string });
      expect(events.filter((e) => e.kind === 'event').map((e) => [e.position, e.event])).toEqual([
        [20, 'SocketDisconnected'],
        [21, 'SocketConnected'],
        [22, 'MessageRelayed'],
      ]);
    });

    it('--client keeps that client’s stream and the room’s events about it, by id prefix', async () => {
      const run = await runCli(['two-person-call', '--client', 'b0b'], call());
      expect(run.code).toBe(0);
      expect(positions(run.stdout)).toEqual([4, 5, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 24, 26, 28, 32, 33]);
      const guests = await runCli(['room-for-two', '--client', 'ca201000000000000000000000000003'], envOf(targets.get('guest-limit-timeouts')!));
      expect(positions(guests.stdout)).toEqual([9, 10, 11, 12, 13, 14]);
    });

    it('filters combine, and the summary still describes the whole log', async () => {
      const run = await runCli(['two-person-call', '--client', 'a11ce', '--from', '25', '--to', '31'], call());
      expect(positions(run.stdout)).toEqual([25, 27, 29, 30, 31]);
      expect(run.stdout.slice(summaryStart(run.stdout))).toContain('self-check: ok');
    });
  });

  it('--follow prints the events appended after it started', async () => {
    const events = fixture('two-person-call');
    const target = { dataDir: tempDir() };
    await append(target, events.slice(0, 19));
    const follow = followCli(['two-person-call'], envOf(target));
    try {
      await follow.until((out) => positions(out).includes(19));
      expect(positions(follow.stdout)).toEqual(range(1, 19));
      await append(target, events.slice(19, 25));
      await follow.until((out) => positions(out).includes(25));
      await append(target, events.slice(25));
      await follow.until((out) => positions(out).includes(33));
    } finally {
      await follow.stop();
    }
    expect(follow.stderr).toBe('');
    const expected = readGolden('two-person-call.timeline.txt');
    // Everything but the summary, which --follow never reaches.
    expect(follow.stdout).toBe(expected.slice(0, summaryStart(expected) + 1));
  });

  describe('bad input', () => {
    /** Exactly one line on stderr, nothing on stdout. */
    const failsWith = (run: { code: number | null; stdout: string; stderr: string }, code: number, message: RegExp) => {
      expect(run.stdout).toBe('');
      expect(run.stderr.endsWith('\n')).toBe(true);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(code);
    };

    it('an unknown room exits 3', async () => {
      failsWith(await runCli(['bogus-journey'], envOf(targets.get('two-person-call')!)), 3, /^camus-replay: no room "bogus-journey" in the event log\n$/);
    });

    it('an empty log exits 4', async () => {
      const target = { dataDir: tempDir() };
      await append(target, []);
      failsWith(await runCli(['two-person-call'], envOf(target)), 4, /^camus-replay: the event log is empty\n$/);
    });

    it('a row whose data is not JSON exits 5', async () => {
      const target = await sqliteWith('two-person-call');
      const db = new Database(join(target.dataDir, 'camus.db'));
      try {
        db.prepare(
          'INSERT INTO events (global_position, stream_id, stream_position, event_id, room, type, data, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(34, 'client-a11ce000000000000000000000000001', 17, 'corrupt-1', 'two-person-call', 'ChatBroadcast', '{"type": "Cha', 1_700_000_200_000);
      } finally {
        db.close();
      }
      failsWith(
        await runCli(['two-person-call'], envOf(target)),
        5,
        /^camus-replay: corrupt event log: event at global position 34 has data that is not a JSON event object\n$/,
      );
    });

    it('a DATA_DIR without a database exits 6 and creates nothing', async () => {
      const empty = tempDir();
      failsWith(await runCli(['two-person-call'], { DATA_DIR: empty }), 6, /^camus-replay: no database at .*camus\.db \(set DATA_DIR or DATABASE_URL\)\n$/);
      expect(readdirSync(empty)).toEqual([]);
      const missing = join(empty, 'not-there');
      failsWith(await runCli(['two-person-call'], { DATA_DIR: missing }), 6, /^camus-replay: no database at /);
      expect(existsSync(missing)).toBe(false);
    });

    it('an unreachable PostgreSQL exits 6', async () => {
      failsWith(await runCli(['two-person-call'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' }), 6, /^camus-replay: cannot read the event log: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/nowhere/);
    });

    it('a configuration error exits 2 with one line', async () => {
      failsWith(await runCli(['two-person-call'], { DATABASE_URL: 'mysql://localhost/camus' }), 2, /^camus-replay: invalid configuration: DATABASE_URL: expected a postgres:\/\//);
    });

    it.each([
      [['--from', 'abc', 'two-person-call'], '--from takes a position (a whole number), got "abc"'],
      [['two-person-call', '--bogus'], 'unknown option --bogus'],
      [[], 'which room? give its slug, e.g. npm run replay -- excellent-adventure'],
      [['two-person-call', 'room-for-two'], 'one room at a time (got two-person-call, room-for-two)'],
      [['two-person-call', '--from', '5', '--to', '2'], '--from is after --to'],
    ])('%j exits 2 with a one-line reason and the usage', async (argv, reason) => {
      const run = await runCli(argv, envOf(targets.get('two-person-call')!));
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`camus-replay: ${reason}\n\n${USAGE}\n`);
    });

    it('--help prints the usage on stdout and exits 0', async () => {
      const run = await runCli(['--help'], { DATA_DIR: tempDir() });
      expect(run).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: '' });
    });
  });
});

describe('replay CLI on PostgreSQL', () => {
  let target: Target;
  beforeAll(async () => {
    target = { databaseUrl: await freshDatabase(inject('pgUrl')) };
    await append(target, fixture('two-person-call'));
  });

  it('prints the same golden timeline, in text and JSON', async () => {
    const text = await runCli(['two-person-call'], envOf(target));
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(golden('two-person-call.timeline.txt', text.stdout));
    const json = await runCli(['two-person-call', '--json'], envOf(target));
    expect(json.code).toBe(0);
    expect(json.stdout).toBe(golden('two-person-call.timeline.jsonl', json.stdout));
  });

  it('filters and refuses the same way', async () => {
    const run = await runCli(['two-person-call', '--from', '10', '--to', '12', '--client', 'a11ce'], envOf(target));
    expect(positions(run.stdout)).toEqual([10, 12]);
    const unknown = await runCli(['bogus-journey'], envOf(target));
    expect(unknown.code).toBe(3);
    const empty = await runCli(['two-person-call'], { DATABASE_URL: await freshDatabase(inject('pgUrl')) });
    // A fresh PostgreSQL database is migrated on open, then found empty.
    expect([empty.code, empty.stderr]).toEqual([4, 'camus-replay: the event log is empty\n']);
  });
});
