import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.ts';

/** The repository root: the server runs from here, as `npm start` does. */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const ENTRY = 'server/main.ts';
const BUILD_HANDLER = join(REPO_ROOT, 'build', 'handler.js');
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export type DatabaseChoice = 'sqlite' | { readonly url: string };

export interface StartOptions {
  /** Extra environment; PORT, HOST, DATA_DIR and DATABASE_URL are set by startServer unless given here. */
  readonly env?: Record<string, string>;
  /** Reuse a data directory (restart tests); a fresh temp dir otherwise. */
  readonly dataDir?: string;
  readonly database: DatabaseChoice;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunningServer {
  readonly baseUrl: string;
  readonly wsBaseUrl: string;
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** stdout and stderr lines, in arrival order per stream. */
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /** Everything the process printed so far. */
  output(): string;
  readonly exited: Promise<Exit>;
  /** SIGTERM, then SIGKILL if it has not exited after 5 s. */
  stop(): Promise<Exit>;
  /** SIGKILL (kill -9). */
  kill(): Promise<Exit>;
}

/** Every server this worker started: their logs are checked for secrets, and leftovers are killed. */
const started: RunningServer[] = [];
export const startedServers = (): readonly RunningServer[] => started;

export function assertSiteBuilt(): void {
  if (!existsSync(BUILD_HANDLER)) {
    throw new Error(`No site build at ${BUILD_HANDLER}: run \`npx vite build\` (npm test does it) before the integration tests.`);
  }
}


export async function makeDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'camus-it-'));
}

/** Spawns the real server (`node --import tsx server/main.ts`) and waits for its `listening` log line. */
export async function startServer(options: StartOptions, attempts = 5): Promise<RunningServer> {
  assertSiteBuilt();
  const dataDir = options.dataDir ?? (await makeDataDir());
  const port = await freePort();
  const databaseUrl = options.database === 'sqlite' ? undefined : options.database.url;
  const env: Record<string, string> = {
    ...cleanEnv(),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = wrap(child, port, dataDir, databaseUrl);
  try {
    await waitForListening(server, child);
  } catch (error) {
    const out = server.output();
    if (!child.killed && child.exitCode === null) await server.kill();
    if (/EADDRINUSE|already in use/.test(out) && attempts > 1) return startServer(options, attempts - 1);
    throw error;
  }
  started.push(server);
  return server;
}

/** Runs the server entry with arguments and environment and waits for it to exit (config and CLI tests). */
export async function runServerToExit(
  options: { args?: readonly string[]; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const dataDir = await makeDataDir();
  const env = { ...cleanEnv(), PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, ...options.env };
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolveExit, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not exit within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolveExit({ code, signal, stdout, stderr });
    });
  });
}

/** The test runner's environment minus anything that would configure the server behind our back. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const serverVariables = new Set([
    'PORT', 'HOST', 'DATA_DIR', 'DATABASE_URL', 'SECRET_KEY', 'STUN_HOST', 'STUN_PORT', 'TURN_HOST', 'TURN_PORT',
    'TURN_STATIC_AUTH_SECRET', 'TURN_TTL_SECONDS', 'ROOM_IDLE_SECONDS', 'RECONNECT_GRACE_SECONDS', 'ORIGINS',
    'TRUST_PROXY', 'LOG_LEVEL', 'ADMIN_TOKEN', 'NODE_OPTIONS', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'TEST', 'NODE_ENV',
  ]);
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !serverVariables.has(key) && !key.startsWith('VITEST')) env[key] = value;
  }
  return env;
}

function wrap(child: ChildProcess, port: number, dataDir: string, databaseUrl: string | undefined): RunningServer {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const all: string[] = [];
  const collect = (stream: NodeJS.ReadableStream | null, into: string[]) => {
    if (!stream) return;
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        into.push(line);
        all.push(line);
      }
    });
    stream.on('end', () => {
      if (partial !== '') {
        into.push(partial);
        all.push(partial);
      }
    });
  };
  collect(child.stdout, stdout);
  collect(child.stderr, stderr);
  const exited = new Promise<Exit>((resolveExit) => child.once('close', (code, signal) => resolveExit({ code, signal })));
  const signalAndWait = async (signal: NodeJS.Signals): Promise<Exit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    wsBaseUrl: `ws://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    dataDir,
    databaseUrl,
    stdout,
    stderr,
    output: () => all.join('\n'),
    exited,
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      try {
        return await signalAndWait('SIGTERM');
      } finally {
        clearTimeout(timer);
      }
    },
    kill: () => signalAndWait('SIGKILL'),
  };
}

function waitForListening(server: RunningServer, child: ChildProcess): Promise<void> {
  return new Promise((resolveStarted, reject) => {
    const check = setInterval(() => {
      if (server.stdout.some(isListeningLine)) done();
    }, 20);
    const timer = setTimeout(() => fail(new Error(`the server did not log "listening" within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onClose = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(new Error(`the server exited before listening (code ${code}, signal ${signal})`));
    child.once('close', onClose);
    function cleanup() {
      clearInterval(check);
      clearTimeout(timer);
      child.off('close', onClose);
    }
    function done() {
      cleanup();
      resolveStarted();
    }
    function fail(error: Error) {
      cleanup();
      reject(new Error(`${error.message}\n--- server output ---\n${server.output()}`));
    }
  });
}

function isListeningLine(line: string): boolean {
  if (!line.includes('"message":"listening"')) return false;
  try {
    return (JSON.parse(line) as { message?: unknown }).message === 'listening';
  } catch {
    return false;
  }
}

/** Kills whatever a failed test left running; call from afterAll. */
export async function killLeftovers(): Promise<void> {
  await Promise.all(started.map((s) => s.kill()));
}

/**
 * Strings that must never reach the server's logs: passwords, session cookie values, SDP and chat text.
 * The protocol client adds what it sends and receives; tests add their passwords.
 */
const secrets = new Set<string>();

export function rememberSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= 8) secrets.add(value);
}

/** The secrets that appear in any started server's output, raw or JSON-escaped (log lines are JSON). */
export function leakedSecrets(servers: readonly RunningServer[] = started): { secret: string; line: string }[] {
  const leaks: { secret: string; line: string }[] = [];
  for (const server of servers) {
    const lines = [...server.stdout, ...server.stderr];
    for (const secret of secrets) {
      const forms = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
      for (const line of lines) {
        if ([...forms].some((form) => line.includes(form))) leaks.push({ secret, line });
      }
    }
  }
  return leaks;
}

export const secretCount = (): number => secrets.size;

export { freePort };
