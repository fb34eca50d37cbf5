/**
 * What the signaling parts share: starting both servers (or each in turn), admitting the generator's
 * clients, measuring one load window, and the figures a window gives.
 */
import { ms, ratio, type Cell } from '../lib/report.ts';
import { journalCounters, startBaseline, startCamus, type RunningServer, type ServerKind } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';
import type { LoadResult, SetupResult } from './generator.ts';
import type { Generator } from './generator-client.ts';
import type { Scenario } from './scenarios.ts';

export const KINDS: readonly ServerKind[] = ['baseline', 'camus'];

async function start(kind: ServerKind, settings: Settings): Promise<RunningServer> {
  if (kind === 'baseline') return startBaseline();
  const nodeArgs = settings.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`] : [];
  return startCamus({ nodeArgs });
}

/** A fresh server of each kind, in turn; the generator's clients are closed and the server stopped after each. */
export async function onEach<T>(gen: Generator, settings: Settings, order: readonly ServerKind[], run: (server: RunningServer) => Promise<T>): Promise<Record<ServerKind, T>> {
  const out = {} as Record<ServerKind, T>;
  for (const kind of order) {
    const server = await start(kind, settings);
    try {
      out[kind] = await run(server);
    } finally {
      await gen.call({ cmd: 'closeAll' }).catch(() => undefined);
      await server.stop();
    }
  }
  return out;
}

/** Both servers at once: the generator holds clients of each, and measurement windows alternate between them. */
export async function onBoth<T>(gen: Generator, settings: Settings, run: (servers: Record<ServerKind, RunningServer>) => Promise<T>): Promise<T> {
  const servers: Partial<Record<ServerKind, RunningServer>> = {};
  try {
    for (const kind of KINDS) servers[kind] = await start(kind, settings);
    return await run(servers as Record<ServerKind, RunningServer>);
  } finally {
    await gen.call({ cmd: 'closeAll' }).catch(() => undefined);
    for (const server of Object.values(servers)) await server.stop();
  }
}

export async function setup(gen: Generator, settings: Settings, server: RunningServer, rooms: number, perRoom: number, prefix: string): Promise<SetupResult> {
  const result = await gen.call<SetupResult>({ cmd: 'setup', target: server.kind, baseUrl: server.baseUrl, rooms, perRoom, prefix, workers: settings.workers, concurrency: 32 });
  if (result.failed > 0) throw new Error(`${server.kind}: ${result.failed} clients could not join, e.g. ${result.failures[0]}`);
  return result;
}

/** What the journal did during a load (warm-up included): Camus only. */
export interface JournalFigures {
  readonly eventsPerInbound: number;
  readonly commitsPerSecond: number;
  readonly meanBatch: number;
  readonly meanCommitMs: number;
  /** Share of wall time the event loop spent inside append transactions. */
  readonly commitShare: number;
}

export async function measure(gen: Generator, settings: Settings, server: RunningServer, s: Scenario, rate: number, measureMs = settings.measureMs, warmupMs = settings.warmupMs) {
  const before = await journalCounters(server);
  const t0 = performance.now();
  const result = await gen.call<LoadResult>({ cmd: 'load', target: server.kind, serverPid: server.pid, rate, textFraction: s.textFraction, warmupMs, measureMs, drainMs: settings.drainMs });
  const after = await journalCounters(server);
  const seconds = (performance.now() - t0) / 1000;
  const journal: JournalFigures | undefined =
    before && after
      ? {
          eventsPerInbound: (after.appended - before.appended) / ((rate * (warmupMs + measureMs)) / 1000),
          commitsPerSecond: (after.commits - before.commits) / seconds,
          meanBatch: (after.batchSum - before.batchSum) / Math.max(1, after.commits - before.commits),
          meanCommitMs: (1000 * (after.commitSeconds - before.commitSeconds)) / Math.max(1, after.commits - before.commits),
          commitShare: (after.commitSeconds - before.commitSeconds) / seconds,
        }
      : undefined;
  return { result, journal };
}

export interface Figures {
  readonly clients: number;
  readonly sent: number;
  readonly achievedRate: number;
  readonly deliveredRate: number;
  readonly lost: number;
  readonly loss: number;
  readonly errorFrames: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly serverCpuMs: number;
  readonly serverCpuPct: number;
  readonly cpuPerInboundUs: number;
  readonly cpuPerDeliveredUs: number;
  readonly generatorCpuPct: number;
  readonly generatorMaxLagMs: number;
  readonly journal: JournalFigures | undefined;
}

/** Figure by figure, the median over rounds (each figure on its own: a noisy round moves no median alone). */
export function medianOf(rounds: readonly Figures[]): Figures {
  const median = (values: number[]) => {
    const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
    if (sorted.length === 0) return NaN;
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const first = rounds[0]!;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(first) as (keyof Figures)[]) {
    if (key === 'journal') {
      const journals = rounds.map((r) => r.journal).filter((j): j is JournalFigures => j !== undefined);
      out.journal = journals.length
        ? Object.fromEntries(Object.keys(journals[0]!).map((k) => [k, median(journals.map((j) => j[k as keyof JournalFigures]))]))
        : undefined;
    } else out[key] = median(rounds.map((r) => r[key] as number));
  }
  return out as unknown as Figures;
}

export function figures(clients: number, { result: r, journal }: { result: LoadResult; journal: JournalFigures | undefined }): Figures {
  const lost = Math.max(0, r.expected - r.received);
  return {
    clients,
    sent: r.sent,
    achievedRate: r.achievedRate,
    deliveredRate: r.deliveredRate,
    lost,
    loss: r.expected > 0 ? lost / r.expected : 0,
    errorFrames: Object.values(r.status.errorFrames).reduce((a, b) => a + b, 0),
    p50Ms: ms(r.latency.p50),
    p99Ms: ms(r.latency.p99),
    p999Ms: ms(r.latency.p999),
    maxMs: ms(r.latency.max),
    serverCpuMs: r.serverCpuMs,
    serverCpuPct: (100 * r.serverCpuMs) / r.wallMs,
    cpuPerInboundUs: (1000 * r.serverCpuMs) / Math.max(1, r.sent),
    cpuPerDeliveredUs: (1000 * r.serverCpuMs) / Math.max(1, r.received),
    generatorCpuPct: (100 * r.generatorCpuMs) / r.wallMs,
    generatorMaxLagMs: r.maxLagMicros / 1000,
    journal,
  };
}

export function sideBySide(rows: readonly [string, (f: Figures) => Cell, boolean?][], b: Figures, c: Figures): Cell[][] {
  return rows.map(([label, get, withRatio = true]) => {
    const [vb, vc] = [get(b), get(c)];
    return [label, vb, vc, withRatio && typeof vb === 'number' && typeof vc === 'number' ? ratio(vc, vb) : ''];
  });
}
