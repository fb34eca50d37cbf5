import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../tests/support/free-port.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 10_000;

export type ServerKind = 'camus' | 'baseline';

export interface RunningServer {
  readonly kind: ServerKind;
  readonly pid: number;
  readonly port: number;
  readonly baseUrl: string;
  readonly dataDir: string | undefined;
  /** Milliseconds from spawn to the "listening" log line. */
  readonly startMs: number;
  /** Every JSON log line printed so far, parsed. */
  readonly logs: readonly Record<string, unknown>[];
  readonly output: () => string;
  /** SIGTERM (a graceful stop writes a --cpu-prof profile), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Servers this process started are killed, by pid, if it exits early. */
export function killStarted(): void {
  for (const child of running) if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
}


export const benchDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `camus-bench-${prefix}-`));

export interface StartOptions {
  readonly dataDir?: string;
  readonly env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
  /** Modules to --import after tsx (TypeScript allowed): instrumentation for experiments. */
  readonly imports?: readonly string[];
}

/** Opens the server's /metrics to the bench (and to nobody else: the token is random per run). */
export const ADMIN_TOKEN = randomBytes(24).toString('hex');

const BUILD_HANDLER = join(REPO_ROOT, 'build', 'handler.js');

/** Waits (bounded) for the site build: a `vite build` elsewhere in this clone replaces it for a few seconds. */
async function siteBuilt(timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!existsSync(BUILD_HANDLER)) {
    if (performance.now() > deadline) throw new Error('no site build: run `npx vite build` (bench/run.sh does it)');
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The real server, as `npm run serve` starts it, on a free loopback port. */
export async function startCamus(options: StartOptions = {}): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    await siteBuilt();
    try {
      return await startCamusOnce(options);
    } catch (error) {
      if (attempt >= 3 || !/no site build/.test(String(error))) throw error;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

/** The node flags `npm run serve` gives the server (its V8 heap settings), so the bench runs it the same way. */
function serveFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { serve: string } };
  const words = scripts.serve.split(/\s+/);
  return words.slice(1, words.indexOf('--import'));
}

function startCamusOnce(options: StartOptions): Promise<RunningServer> {
  const dataDir = options.dataDir ?? benchDir('data');
  const imports = (options.imports ?? []).flatMap((m) => ['--import', m]);
  // A data directory made here is removed when the server stops; one passed in belongs to the caller.
  const owned = options.dataDir === undefined ? dataDir : undefined;
  return start('camus', [...imports, 'server/main.ts'], { DATA_DIR: dataDir, LOG_LEVEL: 'info', ADMIN_TOKEN, ...options.env }, dataDir, [...serveFlags(), ...(options.nodeArgs ?? [])], owned);
}

/** The journal's counters from Camus's /metrics: appended events, and the batch-size and commit-time histograms' sums and counts. */
export interface JournalCounters {
  readonly appended: number;
  readonly batchSum: number;
  readonly commits: number;
  readonly commitSeconds: number;
}

export async function journalCounters(server: RunningServer): Promise<JournalCounters | undefined> {
  if (server.kind !== 'camus') return undefined;
  const response = await fetch(`${server.baseUrl}/metrics`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (response.status !== 200) return undefined;
  const text = await response.text();
  const value = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    appended: value('camus_event_log_appended_events_total'),
    batchSum: value('camus_event_log_batch_size_sum'),
    commits: value('camus_event_log_batch_size_count'),
    commitSeconds: value('camus_event_log_append_seconds_sum'),
  };
}

/** The bare ws relay the issue asks to compare against. */
export function startBaseline(options: StartOptions = {}): Promise<RunningServer> {
  return start('baseline', ['bench/baseline/server.ts'], options.env ?? {}, undefined, options.nodeArgs ?? []);
}

/** The environment minus anything that would configure a server behind our back. */
function cleanEnv(): Record<string, string> {
  const drop = /^(PORT|HOST|DATA_DIR|DATABASE_URL|SECRET_KEY|STUN_.*|TURN_.*|ROOM_IDLE_SECONDS|RECONNECT_GRACE_SECONDS|ORIGINS|TRUST_PROXY|LOG_LEVEL|ADMIN_TOKEN|NODE_OPTIONS|NODE_ENV|VITEST.*)$/;
  return Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !drop.test(k))) as Record<string, string>;
}

async function start(
  kind: ServerKind,
  args: readonly string[],
  env: Record<string, string>,
  dataDir: string | undefined,
  nodeArgs: readonly string[],
  ownedDir?: string,
): Promise<RunningServer> {
  const port = await freePort();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...args], {
    cwd: REPO_ROOT,
    env: { ...cleanEnv(), PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((r) =>
    child.once('close', () => {
      running.delete(child);
      if (ownedDir) rmSync(ownedDir, { recursive: true, force: true });
      r();
    }),
  );
  const logs: Record<string, unknown>[] = [];
  const lines: string[] = [];
  let listeningAt: number | undefined;
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      if (lines.length < 10_000) lines.push(line);
      if (!line.startsWith('{')) continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (logs.length < 10_000) logs.push(parsed);
        if (parsed.message === 'listening' && listeningAt === undefined) listeningAt = performance.now();
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => lines.length < 10_000 && lines.push(chunk.trimEnd()));

  const deadline = performance.now() + START_TIMEOUT_MS;
  while (listeningAt === undefined) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${kind} server exited before listening:\n${lines.join('\n')}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${kind} server did not log "listening" within ${START_TIMEOUT_MS} ms:\n${lines.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const pid = child.pid!;
  return {
    kind,
    pid,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
    startMs: listeningAt - spawnedAt,
    logs,
    output: () => lines.join('\n'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

export { freePort };
