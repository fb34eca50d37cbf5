/** Part 1: signaling load, every scenario on both servers, windows alternating. */
import { jsonLine, pct, ratio, table, type Budgets, type Cell } from '../lib/report.ts';
import type { ServerKind } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';
import type { Generator } from './generator-client.ts';
import { KINDS, figures, measure, medianOf, onBoth, setup, sideBySide, type Figures } from './harness.ts';
import { SCENARIOS, budgetNote, clientsOf, rateCap } from './scenarios.ts';

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

/** A CPU budget: Camus at most twice the baseline, both in µs. */
function cpuBudget(name: string, scenario: string, camus: number, baseline: number, digits: number) {
  return {
    part: 'load',
    name,
    rule: `<= 2x baseline (${scenario})`,
    measured: `${camus.toFixed(digits)} µs vs ${baseline.toFixed(digits)} µs = ${ratio(camus, baseline)}`,
    pass: camus <= 2 * baseline,
  };
}

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
      budgets.add(cpuBudget('CPU per inbound relayed message', '100 rooms x 4', c.cpuPerInboundUs, b.cpuPerInboundUs, 1));
      budgets.add({
        part: 'load',
        name: 'p99 one-way relay latency at 2,000 msg/s',
        rule: '<= baseline p99 + 2 ms (100 rooms x 4)',
        measured: `${c.p99Ms.toFixed(2)} ms vs ${b.p99Ms.toFixed(2)} ms (+${(c.p99Ms - b.p99Ms).toFixed(2)} ms)`,
        pass: c.p99Ms <= b.p99Ms + 2,
      });
    }
    if (s.key === 'room1x50') {
      budgets.add(cpuBudget('broadcast: CPU per delivered message', 'one room of 50', c.cpuPerDeliveredUs, b.cpuPerDeliveredUs, 2));
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
