import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Effect, Layer } from 'effect';
import { databaseLayer } from '../../server/store/database.ts';
import { EventStore } from '../../server/store/event-store.ts';
import type { RecordedEvent } from '../../server/store/recorded-event.ts';
import { SqlEventStoreLive } from '../../server/store/sql-event-store.ts';
import { fromJsonl, LOG_DIR, type FixtureName } from '../fixtures/logs/generate.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const CLI = 'server/replay/cli.ts';

export const fixture = (name: FixtureName): RecordedEvent[] => fromJsonl(readFileSync(join(LOG_DIR, `${name}.jsonl`), 'utf8'));

export interface Target {
  /** DATA_DIR for SQLite, or DATABASE_URL for PostgreSQL. */
  readonly dataDir?: string;
  readonly databaseUrl?: string;
}

/** Appends events through the real store (migrating the database first), as the server would have. */
export async function append(target: Target, events: readonly RecordedEvent[]): Promise<void> {
  const store = SqlEventStoreLive.pipe(Layer.provide(databaseLayer({ databaseUrl: target.databaseUrl, dataDir: target.dataDir ?? '' })));
  await Effect.runPromise(Effect.flatMap(EventStore, (s) => s.append(events)).pipe(Effect.provide(store)));
}

export const envOf = (target: Target): Record<string, string> =>
  target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : { DATA_DIR: target.dataDir! };

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function spawnCli(args: readonly string[], env: Record<string, string>): ChildProcess {
  const { DATABASE_URL: _url, DATA_DIR: _dir, ...inherited } = process.env;
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the real CLI as a child process and collects what it printed. */
export const runCli = (args: readonly string[], env: Record<string, string>): Promise<CliRun> => collect(spawnCli(args, env));

/** Runs a TypeScript entry point of the repository (`node --import tsx <args>`). */
export const runCommand = (args: readonly string[]): Promise<CliRun> =>
  collect(spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));

function collect(child: ChildProcess): Promise<CliRun> {
  return new Promise((done, fail) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** `replay --follow`: a running CLI whose output can be awaited line by line. */
export function followCli(args: readonly string[], env: Record<string, string>) {
  const child = spawnCli([...args, '--follow'], env);
  let stdout = '';
  let stderr = '';
  const waiters: { test: (out: string) => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of waiters.splice(0)) (w.test(stdout) ? w.resolve : () => waiters.push(w))();
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    /** Resolves once stdout satisfies `test`; rejects (with what was printed) after `ms`. */
    until(test: (out: string) => boolean, ms = 15_000): Promise<void> {
      if (test(stdout)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out; stdout so far:\n${stdout}\nstderr:\n${stderr}`)), ms);
        waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Compares `actual` with the checked-in golden file; with UPDATE_GOLDEN=1 it rewrites the file instead.
 * Returns the expected text for the caller's `expect`.
 */
export function golden(file: string, actual: string): string {
  const path = join(LOG_DIR, file);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(LOG_DIR, { recursive: true });
    writeFileSync(path, actual);
  }
  return readGolden(file);
}

export const readGolden = (file: string): string => readFileSync(join(LOG_DIR, file), 'utf8');
