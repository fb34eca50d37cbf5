/** Joins at a fixed rate: time from the HTTP join to the first pong, and CPU per join. */
import { readProc } from '../lib/proc.ts';
import { jsonLine, ratio, table, type Budgets, type Cell } from '../lib/report.ts';
import { journalCounters } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';
import type { SetupResult } from './generator.ts';
import type { Generator } from './generator-client.ts';
import { KINDS, onEach } from './harness.ts';

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
