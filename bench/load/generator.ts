/**
 * The load generator: its own process (forked by the bench), driving one or more worker threads that
 * hold the clients. It creates rooms, hands whole rooms to workers, runs timed phases on a shared
 * clock, and reads the server's CPU time from /proc/<pid>/stat around the measured window.
 */
import { Worker } from 'node:worker_threads';
import { readProc } from '../lib/proc.ts';
import { concat, summarize, type Summary } from '../lib/stats.ts';
import { nowMicros, type AdmitResult, type PhaseCounts, type PhaseResult, type WorkerRequest, type WorkerStatus } from './messages.ts';

export type GeneratorRequest =
  | { readonly cmd: 'setup'; readonly target: string; readonly baseUrl: string; readonly rooms: number; readonly perRoom: number; readonly prefix: string; readonly workers: number; readonly concurrency: number }
  | { readonly cmd: 'join'; readonly target: string; readonly baseUrl: string; readonly rooms: number; readonly perRoom: number; readonly prefix: string; readonly workers: number; readonly rate: number }
  | { readonly cmd: 'load'; readonly target: string; readonly serverPid: number; readonly rate: number; readonly textFraction: number; readonly warmupMs: number; readonly measureMs: number; readonly drainMs: number }
  | { readonly cmd: 'status'; readonly target: string }
  | { readonly cmd: 'closeAll' };

export interface SetupResult {
  readonly clients: number;
  readonly failed: number;
  readonly failures: readonly string[];
  readonly setupMs: number;
  /** The generator's own CPU over the setup or join, % of one core. */
  readonly generatorCpuPct: number;
  /** Join times (HTTP join → first pong), ms. */
  readonly joinMs: Summary;
}

export interface LoadResult extends PhaseCounts {
  /** One-way latency at the receivers, µs. */
  readonly latency: Summary;
  readonly windowMs: number;
  /** Sends per second actually achieved in the measured window. */
  readonly achievedRate: number;
  readonly deliveredRate: number;
  /** Server CPU (user + system, all threads) from the window's start to the end of the drain. */
  readonly serverCpuMs: number;
  readonly generatorCpuMs: number;
  /** Wall time from the window's start to the end of the drain. */
  readonly wallMs: number;
  /** Error frames and closes during this load only. */
  readonly status: WorkerStatus;
}

class WorkerHandle {
  private readonly worker = new Worker(new URL('./worker-boot.mjs', import.meta.url));
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  /** Clients this worker holds, by target server. */
  readonly clients = new Map<string, number>();

  constructor() {
    this.worker.on('message', ({ id, ok, result, error }: { id: number; ok: boolean; result: unknown; error: string }) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (ok) waiting?.resolve(result);
      else waiting?.reject(new Error(`load worker: ${error}`));
    });
    this.worker.on('error', (error) => {
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    });
  }

  call<T>(request: WorkerRequest): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, request });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

let workers: WorkerHandle[] = [];
let phaseIds = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function ensureWorkers(count: number): Promise<void> {
  if (workers.length === count) return;
  if (workers.some((w) => w.clients.size > 0)) throw new Error('the number of workers cannot change while clients are connected');
  await Promise.all(workers.map((w) => w.terminate()));
  workers = Array.from({ length: count }, () => new WorkerHandle());
}

async function createRooms(baseUrl: string, prefix: string, count: number): Promise<string[]> {
  const slugs: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(16, count) }, async () => {
      while (next < count) {
        const name = `${prefix}-${next++}`;
        const response = await fetch(`${baseUrl}/api/rooms`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name }),
          signal: AbortSignal.timeout(30_000),
        });
        const body = await response.text();
        if (response.status !== 201) throw new Error(`creating room ${name}: HTTP ${response.status} ${body.slice(0, 100)}`);
        slugs.push((JSON.parse(body) as { slug: string }).slug);
      }
    }),
  );
  return slugs.sort((a, b) => Number(a.split('-').at(-1)) - Number(b.split('-').at(-1)));
}

function mergeAdmits(results: readonly AdmitResult[], startedAt: number, cpu: NodeJS.CpuUsage): SetupResult {
  const setupMs = (nowMicros() - startedAt) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    clients: results.reduce((n, r) => n + r.admitted, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
    failures: results.flatMap((r) => r.failures).slice(0, 20),
    setupMs,
    generatorCpuPct: (100 * (used.user + used.system)) / 1000 / Math.max(1, setupMs),
    joinMs: summarize(concat(results.map((r) => r.joinMs))),
  };
}

async function setup(request: Extract<GeneratorRequest, { cmd: 'setup' }>): Promise<SetupResult> {
  const startedAt = nowMicros();
  const cpu = process.cpuUsage();
  await ensureWorkers(request.workers);
  const slugs = await createRooms(request.baseUrl, request.prefix, request.rooms);
  const concurrency = Math.max(1, Math.floor(request.concurrency / workers.length));
  const results = await Promise.all(
    workers.map((w, i) => {
      const mine = slugs.filter((_, j) => j % workers.length === i);
      w.clients.set(request.target, (w.clients.get(request.target) ?? 0) + mine.length * request.perRoom);
      return w.call<AdmitResult>({ cmd: 'admit', target: request.target, baseUrl: request.baseUrl, slugs: mine, perRoom: request.perRoom, concurrency });
    }),
  );
  return mergeAdmits(results, startedAt, cpu);
}

/** `rate` joins a second, spread over the rooms in turn, each timed from its HTTP join to its first pong. */
async function join(request: Extract<GeneratorRequest, { cmd: 'join' }>): Promise<SetupResult> {
  await ensureWorkers(request.workers);
  const slugs = await createRooms(request.baseUrl, request.prefix, request.rooms);
  const count = slugs.length * request.perRoom;
  const startAt = nowMicros() + 300_000;
  const cpu = process.cpuUsage();
  const byWorker = workers.map(() => [] as { slug: string; at: number }[]);
  for (let i = 0; i < count; i++) {
    const room = i % slugs.length;
    byWorker[room % workers.length]!.push({ slug: slugs[room]!, at: startAt + (i / request.rate) * 1e6 });
  }
  workers.forEach((w, i) => w.clients.set(request.target, (w.clients.get(request.target) ?? 0) + byWorker[i]!.length));
  const results = await Promise.all(workers.map((w, i) => w.call<AdmitResult>({ cmd: 'join', target: request.target, baseUrl: request.baseUrl, joins: byWorker[i]! })));
  return mergeAdmits(results, startAt, cpu);
}

async function status(target: string): Promise<WorkerStatus> {
  const all = await Promise.all(workers.map((w) => w.call<WorkerStatus>({ cmd: 'status', target })));
  const add = (into: Record<string, number>, from: Readonly<Record<string, number>>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
    return into;
  };
  return {
    clients: all.reduce((n, s) => n + s.clients, 0),
    open: all.reduce((n, s) => n + s.open, 0),
    errorFrames: all.reduce((acc, s) => add(acc, s.errorFrames), {} as Record<string, number>),
    closes: all.reduce((acc, s) => add(acc, s.closes), {} as Record<string, number>),
  };
}

function since(before: WorkerStatus, after: WorkerStatus): WorkerStatus {
  const minus = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
  return { clients: after.clients, open: after.open, errorFrames: minus(after.errorFrames, before.errorFrames), closes: minus(after.closes, before.closes) };
}

function sum(parts: readonly PhaseCounts[]): PhaseCounts {
  const total = { sent: 0, relays: 0, broadcasts: 0, expected: 0, received: 0, skipped: 0, maxLagMicros: 0 };
  for (const p of parts) {
    total.sent += p.sent;
    total.relays += p.relays;
    total.broadcasts += p.broadcasts;
    total.expected += p.expected;
    total.received += p.received;
    total.skipped += p.skipped;
    total.maxLagMicros = Math.max(total.maxLagMicros, p.maxLagMicros);
  }
  return total;
}

/** A warm-up phase, then the measured one at the same rate on the same schedule, then a drain. */
async function load(request: Extract<GeneratorRequest, { cmd: 'load' }>): Promise<LoadResult> {
  const clientsOf = (w: WorkerHandle) => w.clients.get(request.target) ?? 0;
  const totalClients = workers.reduce((n, w) => n + clientsOf(w), 0);
  if (totalClients === 0) throw new Error(`load on ${request.target} before its setup`);
  const statusBefore = await status(request.target);
  const warm = phaseIds++;
  const measured = phaseIds++;
  const startAt = nowMicros() + 300_000;
  const sending = Promise.all(
    workers.map((w) => {
      const rate = (request.rate * clientsOf(w)) / totalClients;
      return w.call({
        cmd: 'load',
        request: {
          target: request.target,
          startAt,
          textFraction: request.textFraction,
          phases: [
            { id: warm, rate, durationMs: request.warmupMs },
            { id: measured, rate, durationMs: request.measureMs },
          ],
        },
      });
    }),
  );
  const windowStart = startAt + request.warmupMs * 1000;
  await sleep((windowStart - nowMicros()) / 1000);
  const cpuBefore = readProc(request.serverPid);
  const generatorBefore = process.cpuUsage();
  const t0 = nowMicros();
  await sending;
  const sendEnd = nowMicros();
  for (;;) {
    const counts = sum(await Promise.all(workers.map((w) => w.call<PhaseCounts>({ cmd: 'counts', phase: measured }))));
    if (counts.received >= counts.expected || nowMicros() - sendEnd > request.drainMs * 1000) break;
    await sleep(20);
  }
  // The journal's last group commit of the window lands within a turn or two.
  await sleep(50);
  const cpuAfter = readProc(request.serverPid);
  const generatorCpu = process.cpuUsage(generatorBefore);
  const t1 = nowMicros();
  await Promise.all(workers.map((w) => w.call({ cmd: 'collect', phase: warm })));
  const results = await Promise.all(workers.map((w) => w.call<PhaseResult>({ cmd: 'collect', phase: measured })));
  const counts = sum(results);
  const windowMs = (sendEnd - t0) / 1000;
  return {
    ...counts,
    latency: summarize(concat(results.map((r) => r.latencies))),
    windowMs,
    achievedRate: counts.sent / (request.measureMs / 1000),
    deliveredRate: counts.received / (request.measureMs / 1000),
    serverCpuMs: cpuAfter.cpuMs - cpuBefore.cpuMs,
    generatorCpuMs: (generatorCpu.user + generatorCpu.system) / 1000,
    wallMs: (t1 - t0) / 1000,
    status: since(statusBefore, await status(request.target)),
  };
}

async function handle(request: GeneratorRequest): Promise<unknown> {
  switch (request.cmd) {
    case 'setup':
      return setup(request);
    case 'join':
      return join(request);
    case 'load':
      return load(request);
    case 'status':
      return status(request.target);
    case 'closeAll':
      await Promise.all(workers.map((w) => w.call({ cmd: 'closeAll' })));
      for (const w of workers) w.clients.clear();
      return null;
  }
}

process.on('message', (message: { id: number; request: GeneratorRequest } | { exit: true }) => {
  if ('exit' in message) {
    void Promise.all(workers.map((w) => w.terminate())).then(() => process.exit(0));
    return;
  }
  handle(message.request).then(
    (result) => process.send!({ id: message.id, ok: true, result }),
    (error: Error) => process.send!({ id: message.id, ok: false, error: error.stack ?? String(error) }),
  );
});
// The bench that forked us is gone: do not linger holding sockets.
process.on('disconnect', () => process.exit(0));
