/** The signaling parts: load (with the baseline beside every figure), ramp, idle and join. */
import { readProc } from '../lib/proc.ts';
import { jsonLine, kib, mib, ms, pct, ratio, table, type Budgets, type Cell } from '../lib/report.ts';
import { journalCounters, startBaseline, startCamus, type RunningServer, type ServerKind } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';
import type { LoadResult, SetupResult } from './generator.ts';
import type { Generator } from './generator-client.ts';

const KINDS: readonly ServerKind[] = ['baseline', 'camus'];
/** The server's per-connection budgets (server/gateway/rate-limits.ts); the generator keeps under 90% of them. */
const RELAY_LIMIT = 50;
const CHAT_LIMIT = 5;
const HEADROOM = 0.9;
const RAMP_P99_MS = 50;

export interface Scenario {
  readonly key: string;
  readonly title: string;
  readonly rooms: number;
  readonly perRoom: number;
  /** Aggregate inbound messages per second. */
  readonly rate: number;
  /** Share of `text` broadcasts to the room; the rest are `icecandidate` relays to a random member. */
  readonly textFraction: number;
}

export const SCENARIOS: readonly Scenario[] = [
  { key: 'rooms100x4', title: '100 rooms x 4 people, 2,000 msg/s', rooms: 100, perRoom: 4, rate: 2000, textFraction: 0.1 },
  { key: 'rooms10x4', title: '10 rooms x 4 people, 1,000 msg/s', rooms: 10, perRoom: 4, rate: 1000, textFraction: 0.1 },
  { key: 'room1x50', title: 'one room of 50 (broadcast-heavy), 200 msg/s, 75% text', rooms: 1, perRoom: 50, rate: 200, textFraction: 0.75 },
];

const clientsOf = (s: Pick<Scenario, 'rooms' | 'perRoom'>) => s.rooms * s.perRoom;

/** Per-client rates at an aggregate rate: each client must stay inside the server's budgets. */
export function perClient(s: Scenario, rate: number) {
  return { relay: (rate * (1 - s.textFraction)) / clientsOf(s), chat: (rate * s.textFraction) / clientsOf(s) };
}

/** The highest aggregate rate this scenario can send without any client passing 90% of a budget. */
export function rateCap(s: Scenario): number {
  const byRelay = s.textFraction < 1 ? (RELAY_LIMIT * HEADROOM * clientsOf(s)) / (1 - s.textFraction) : Infinity;
  const byChat = s.textFraction > 0 ? (CHAT_LIMIT * HEADROOM * clientsOf(s)) / s.textFraction : Infinity;
  return Math.floor(Math.min(byRelay, byChat));
}

function budgetNote(s: Scenario, rate: number): string {
  const { relay, chat } = perClient(s, rate);
  return `each client sends ${relay.toFixed(2)} relays/s and ${chat.toFixed(2)} chat/s (server limits ${RELAY_LIMIT}/s and ${CHAT_LIMIT}/s per connection)`;
}

async function start(kind: ServerKind, settings: Settings): Promise<RunningServer> {
  if (kind === 'baseline') return startBaseline();
  const nodeArgs = settings.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`] : [];
  return startCamus({ nodeArgs });
}

/** A fresh server of each kind, in turn; the generator's clients are closed and the server stopped after each. */
async function onEach<T>(gen: Generator, settings: Settings, order: readonly ServerKind[], run: (server: RunningServer) => Promise<T>): Promise<Record<ServerKind, T>> {
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
async function onBoth<T>(gen: Generator, settings: Settings, run: (servers: Record<ServerKind, RunningServer>) => Promise<T>): Promise<T> {
  const servers: Partial<Record<ServerKind, RunningServer>> = {};
  try {
    for (const kind of KINDS) servers[kind] = await start(kind, settings);
    return await run(servers as Record<ServerKind, RunningServer>);
  } finally {
    await gen.call({ cmd: 'closeAll' }).catch(() => undefined);
    for (const server of Object.values(servers)) await server.stop();
  }
}

async function setup(gen: Generator, settings: Settings, server: RunningServer, rooms: number, perRoom: number, prefix: string): Promise<SetupResult> {
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

async function measure(gen: Generator, settings: Settings, server: RunningServer, s: Scenario, rate: number, measureMs = settings.measureMs, warmupMs = settings.warmupMs) {
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
function medianOf(rounds: readonly Figures[]): Figures {
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

function sideBySide(rows: readonly [string, (f: Figures) => Cell, boolean?][], b: Figures, c: Figures): Cell[][] {
  return rows.map(([label, get, withRatio = true]) => {
    const [vb, vc] = [get(b), get(c)];
    return [label, vb, vc, withRatio && typeof vb === 'number' && typeof vc === 'number' ? ratio(vc, vb) : ''];
  });
}

const LOAD_ROWS: readonly [string, (f: Figures) => Cell, boolean?][] = [
  ['clients', (f) => f.clients, false],
  ['messages sent (window)', (f) => f.sent, false],
  ['achieved send rate, msg/s', (f) => f.achievedRate],
  ['delivered, msg/s', (f) => f.deliveredRate],
  ['lost deliveries', (f) => `${f.lost} (${pct(f.loss)})`],
  ['error frames', (f) => f.errorFrames, false],
  ['one-way latency p50, ms', (f) => f.p50Ms],
  ['one-way latency p99, ms', (f) => f.p99Ms],
  ['one-way latency p99.9, ms', (f) => f.p999Ms],
  ['one-way latency max, ms', (f) => f.maxMs],
  ['server CPU, % of one core', (f) => f.serverCpuPct],
  ['server CPU per inbound msg, µs', (f) => f.cpuPerInboundUs],
  ['server CPU per delivered msg, µs', (f) => f.cpuPerDeliveredUs],
  ['generator CPU, % of one core', (f) => f.generatorCpuPct, false],
  ['generator max send lag, ms', (f) => f.generatorMaxLagMs, false],
  ['journal: events logged per inbound msg', (f) => f.journal?.eventsPerInbound ?? '', false],
  ['journal: commits/s', (f) => f.journal?.commitsPerSecond ?? '', false],
  ['journal: mean events per commit', (f) => f.journal?.meanBatch ?? '', false],
  ['journal: mean commit time, ms', (f) => f.journal?.meanCommitMs ?? '', false],
  // With SQLite, commits run on the writer thread (server/store/worker): this is the time a commit is in flight, not time the event loop is held.
  ['journal: share of time a commit is in flight', (f) => (f.journal ? pct(f.journal.commitShare) : ''), false],
];

export async function runLoad(gen: Generator, settings: Settings, budgets: Budgets, print: (text: string) => void) {
  const results: Record<string, Record<ServerKind, Figures> & { rounds: Record<ServerKind, Figures>[] }> = {};
  // --quick keeps the two scenarios that carry budgets, unless scenarios are named.
  const chosen = SCENARIOS.filter((s) => (settings.scenarios ? settings.scenarios.has(s.key) : !(settings.quick && s.key === 'rooms10x4')));
  if (chosen.length === 0) throw new Error(`no such scenario: ${[...(settings.scenarios ?? [])].join(', ')} (known: ${SCENARIOS.map((s) => s.key).join(', ')})`);
  for (const [index, s] of chosen.entries()) {
    if (s.rate > rateCap(s)) throw new Error(`scenario ${s.key}: ${s.rate} msg/s would pass the server's per-client limits (${budgetNote(s, s.rate)})`);
    const rounds = await onBoth(gen, settings, async (servers) => {
      for (const kind of KINDS) await setup(gen, settings, servers[kind], s.rooms, s.perRoom, `load-${s.key}`);
      const out: Record<ServerKind, Figures>[] = [];
      for (let round = 0; round < settings.rounds; round++) {
        // Alternate which server goes first, so a drift in the machine's load does not always favour one.
        const order = (index + round) % 2 === 0 ? KINDS : [...KINDS].reverse();
        const one = {} as Record<ServerKind, Figures>;
        for (const kind of order) one[kind] = figures(clientsOf(s), await measure(gen, settings, servers[kind], s, s.rate));
        out.push(one);
      }
      return out;
    });
    const byKind = { baseline: medianOf(rounds.map((r) => r.baseline)), camus: medianOf(rounds.map((r) => r.camus)) };
    results[s.key] = { ...byKind, rounds };
    const { baseline: b, camus: c } = byKind;
    print(
      table(`Load: ${s.title}`, ['figure', 'baseline', 'camus', 'camus/baseline'], sideBySide(LOAD_ROWS, b, c), [
        `${settings.rounds > 1 ? `median of ${settings.rounds} rounds; ` : ''}each round: a ${settings.measureMs / 1000} s window after ${settings.warmupMs / 1000} s warm-up, baseline and camus alternating, both servers up; ${budgetNote(s, s.rate)}.`,
        'server CPU is utime+stime of every thread from /proc/<pid>/stat, from the window start until every message was delivered.',
        ...(c.errorFrames > 0 || b.errorFrames > 0 ? ['error frames from the server mean the generator broke a rule: the figures are suspect.'] : []),
        ...(Math.max(b.generatorMaxLagMs, c.generatorMaxLagMs) > 25
          ? [`the generator itself fell ${Math.round(Math.max(b.generatorMaxLagMs, c.generatorMaxLagMs))} ms behind its schedule: the machine was busy, so latency tails say more about it than about the servers (CPU per message is not affected).`]
          : []),
      ]),
    );
    if (s.key === 'rooms100x4') {
      budgets.add({
        part: 'load',
        name: 'CPU per inbound relayed message',
        rule: '<= 2x baseline (100 rooms x 4)',
        measured: `${c.cpuPerInboundUs.toFixed(1)} µs vs ${b.cpuPerInboundUs.toFixed(1)} µs = ${ratio(c.cpuPerInboundUs, b.cpuPerInboundUs)}`,
        pass: c.cpuPerInboundUs <= 2 * b.cpuPerInboundUs,
      });
      budgets.add({
        part: 'load',
        name: 'p99 one-way relay latency at 2,000 msg/s',
        rule: '<= baseline p99 + 2 ms (100 rooms x 4)',
        measured: `${c.p99Ms.toFixed(2)} ms vs ${b.p99Ms.toFixed(2)} ms (+${(c.p99Ms - b.p99Ms).toFixed(2)} ms)`,
        pass: c.p99Ms <= b.p99Ms + 2,
      });
    }
    if (s.key === 'room1x50') {
      budgets.add({
        part: 'load',
        name: 'broadcast: CPU per delivered message',
        rule: '<= 2x baseline (one room of 50)',
        measured: `${c.cpuPerDeliveredUs.toFixed(2)} µs vs ${b.cpuPerDeliveredUs.toFixed(2)} µs = ${ratio(c.cpuPerDeliveredUs, b.cpuPerDeliveredUs)}`,
        pass: c.cpuPerDeliveredUs <= 2 * b.cpuPerDeliveredUs,
      });
    }
    for (const kind of KINDS) {
      if (byKind[kind].lost > 0) {
        budgets.add({ part: 'load', name: `no lost messages (${kind}, ${s.key})`, rule: '0 lost', measured: `${byKind[kind].lost} lost`, pass: false });
      }
    }
  }
  print(jsonLine('load', { settings: { measureMs: settings.measureMs, warmupMs: settings.warmupMs, workers: settings.workers }, scenarios: SCENARIOS, results }));
  return results;
}

export async function runRamp(gen: Generator, settings: Settings, print: (text: string) => void) {
  const s = SCENARIOS[0]!;
  const cap = rateCap(s);
  const rates: number[] = [];
  for (let rate = 1000; rate < cap; rate = Math.round(rate * 1.5)) rates.push(rate);
  rates.push(cap);
  type Step = { rate: number; f: Figures; pass: boolean; why: string };
  const steps = await onBoth(gen, settings, async (servers) => {
    for (const kind of KINDS) await setup(gen, settings, servers[kind], s.rooms, s.perRoom, 'ramp');
    const out: Record<ServerKind, Step[]> = { baseline: [], camus: [] };
    for (const rate of rates) {
      // Each step runs on both servers back to back; a server that failed a step is not pushed further.
      const live = KINDS.filter((kind) => out[kind].every((step) => step.pass));
      if (live.length === 0) break;
      for (const kind of live) {
        // On a shared machine one step can fail from a neighbour's burst: a failed step is tried once more.
        for (let attempt = 1; attempt <= 2; attempt++) {
          const f = figures(clientsOf(s), await measure(gen, settings, servers[kind], s, rate, settings.rampStepMs, 1000));
          const why = [f.p99Ms > RAMP_P99_MS ? `p99 ${f.p99Ms.toFixed(1)} ms` : '', f.lost > 0 ? `${f.lost} lost` : '', f.errorFrames > 0 ? `${f.errorFrames} errors` : '']
            .filter(Boolean)
            .join(', ');
          if (!why || attempt === 2) {
            out[kind].push({ rate, f, pass: why === '', why: why && `twice: ${why}` });
            break;
          }
        }
      }
    }
    return out;
  });
  const highest = (kind: ServerKind) => Math.max(0, ...steps[kind].filter((x) => x.pass).map((x) => x.f.achievedRate));
  const describe = (step: { f: Figures; pass: boolean; why: string } | undefined) =>
    step ? `p99 ${step.f.p99Ms.toFixed(1)} ms, cpu ${step.f.serverCpuPct.toFixed(0)}%${step.pass ? '' : ` -> stop (${step.why})`}` : 'not run';
  const rows: Cell[][] = rates.map((rate) => [
    String(rate),
    describe(steps.baseline.find((x) => x.rate === rate)),
    describe(steps.camus.find((x) => x.rate === rate)),
  ]);
  rows.push(['highest sustained, msg/s', String(highest('baseline')), `${highest('camus')}  (${ratio(highest('camus'), highest('baseline'))})`]);
  const top = (kind: ServerKind) => steps[kind].at(-1)?.f.generatorCpuPct ?? 0;
  print(
    table(`Ramp: ${s.rooms} rooms x ${s.perRoom}, until p99 > ${RAMP_P99_MS} ms or a message is lost`, ['target msg/s', 'baseline', 'camus'], rows, [
      `steps of ${settings.rampStepMs / 1000} s after 1 s warm-up, a failed step retried once; capped at ${cap} msg/s so that ${budgetNote(s, cap)}.`,
      `generator CPU at the last step: ${top('baseline').toFixed(0)}% (baseline run), ${top('camus').toFixed(0)}% (camus run)` +
        (Math.max(top('baseline'), top('camus')) > 85 ? ' -- the generator is near one core: use --workers on a bigger machine.' : '.'),
    ]),
  );
  print(jsonLine('ramp', { scenario: s.key, highest: { baseline: highest('baseline'), camus: highest('camus') }, steps }));
}

export async function runIdle(gen: Generator, settings: Settings, budgets: Budgets, print: (text: string) => void) {
  const results: Record<number, Record<ServerKind, { rssPerClientKiB: number; rssMiB: number; idleCpuPct: number; joinP99Ms: number }>> = {};
  for (const count of settings.idleCounts) {
    const perRoom = 4;
    const rooms = Math.ceil(count / perRoom);
    results[count] = await onEach(gen, settings, KINDS, async (server) => {
      await new Promise((r) => setTimeout(r, 500));
      const before = readProc(server.pid);
      const joined = await setup(gen, settings, server, rooms, perRoom, 'idle');
      const holding = readProc(server.pid);
      await new Promise((r) => setTimeout(r, settings.idleHoldMs));
      const after = readProc(server.pid);
      return {
        rssPerClientKiB: kib((after.rssBytes - before.rssBytes) / (rooms * perRoom)),
        rssMiB: mib(after.rssBytes),
        idleCpuPct: (100 * (after.cpuMs - holding.cpuMs)) / settings.idleHoldMs,
        joinP99Ms: joined.joinMs.p99,
      };
    });
    const { baseline: b, camus: c } = results[count];
    print(
      table(`Idle: ${rooms * perRoom} connections (rooms of ${perRoom})`, ['figure', 'baseline', 'camus', 'camus/baseline'], [
        ['RSS growth per connected client, KiB', b.rssPerClientKiB, c.rssPerClientKiB, ratio(c.rssPerClientKiB, b.rssPerClientKiB)],
        ['server RSS with all connected, MiB', b.rssMiB, c.rssMiB, ratio(c.rssMiB, b.rssMiB)],
        [`server CPU while idle (${settings.idleHoldMs / 1000} s), % of a core`, b.idleCpuPct, c.idleCpuPct, ''],
        ['join time p99 while connecting them, ms', b.joinP99Ms, c.joinP99Ms, ''],
      ], ['RSS from /proc/<pid>/stat after the hold, minus RSS after start; no GC is forced, so this includes garbage not yet collected.']),
    );
    budgets.add({
      part: 'idle',
      name: `idle memory per client (${rooms * perRoom})`,
      rule: '<= 2x baseline',
      measured: `${c.rssPerClientKiB.toFixed(1)} KiB vs ${b.rssPerClientKiB.toFixed(1)} KiB = ${ratio(c.rssPerClientKiB, b.rssPerClientKiB)}`,
      pass: c.rssPerClientKiB <= 2 * b.rssPerClientKiB,
    });
  }
  print(jsonLine('idle', { holdMs: settings.idleHoldMs, results }));
}

export async function runJoin(gen: Generator, settings: Settings, budgets: Budgets, print: (text: string) => void) {
  const perRoom = 4;
  const rooms = Math.ceil(settings.joinCount / perRoom);
  type Joined = SetupResult & { cpuPerJoinMs: number; commitsPerJoin: number | undefined; eventsPerJoin: number | undefined };
  const results = await onEach(gen, settings, KINDS, async (server): Promise<Joined> => {
    const cpu = readProc(server.pid);
    const journal = await journalCounters(server);
    const joined = await gen.call<SetupResult>({ cmd: 'join', target: server.kind, baseUrl: server.baseUrl, rooms, perRoom, prefix: 'join', workers: settings.workers, rate: settings.joinRate });
    // Let the last joins' commits land before reading the counters.
    await new Promise((r) => setTimeout(r, 200));
    const cpuAfter = readProc(server.pid);
    const journalAfter = await journalCounters(server);
    return {
      ...joined,
      // Room creation (not timed) is included: one commit per room, a quarter of the joins.
      cpuPerJoinMs: (cpuAfter.cpuMs - cpu.cpuMs) / Math.max(1, joined.clients),
      commitsPerJoin: journal && journalAfter ? (journalAfter.commits - journal.commits) / Math.max(1, joined.clients) : undefined,
      eventsPerJoin: journal && journalAfter ? (journalAfter.appended - journal.appended) / Math.max(1, joined.clients) : undefined,
    };
  });
  const { baseline: b, camus: c } = results;
  const row = (label: string, get: (r: Joined) => number): Cell[] => [label, get(b), get(c), ratio(get(c), get(b))];
  print(
    table(`Join: ${rooms * perRoom} clients at ${settings.joinRate}/s into ${rooms} rooms`, ['figure', 'baseline', 'camus', 'camus/baseline'], [
      row('joined', (r) => r.clients),
      ['failed joins', b.failed, c.failed, ''],
      row('join time p50, ms', (r) => r.joinMs.p50),
      row('join time p99, ms', (r) => r.joinMs.p99),
      row('join time max, ms', (r) => r.joinMs.max),
      row('server CPU per join, ms', (r) => r.cpuPerJoinMs),
      ['generator CPU, % of one core', b.generatorCpuPct, c.generatorCpuPct, ''],
      ['journal: events logged per join', '', c.eventsPerJoin ?? '', ''],
      ['journal: commits per join', '', c.commitsPerJoin ?? '', ''],
    ], ['join time: POST /api/rooms/<slug>/join -> cookie -> websocket open -> ping -> first pong.', 'CPU per join includes creating the rooms (one per 4 joins, not timed).', ...c.failures.slice(0, 3).map((f) => `camus failure: ${f}`)]),
  );
  budgets.add({
    part: 'join',
    name: 'join time at 200/s',
    rule: `p99 <= 100 ms, no failed joins${settings.joinCount !== 1000 ? ` (${settings.joinCount} joins, not 1,000)` : ''}`,
    measured: `p99 ${c.joinMs.p99.toFixed(1)} ms (baseline ${b.joinMs.p99.toFixed(1)} ms), ${c.failed} failed`,
    pass: c.joinMs.p99 <= 100 && c.failed === 0 && c.clients === rooms * perRoom,
  });
  print(jsonLine('join', { rate: settings.joinRate, results }));
}
