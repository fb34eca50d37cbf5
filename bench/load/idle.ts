/** Idle connections: RSS per connected client, each server in turn. */
import { readProc } from '../lib/proc.ts';
import { jsonLine, kib, mib, ratio, table, type Budgets } from '../lib/report.ts';
import type { ServerKind } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';
import type { Generator } from './generator-client.ts';
import { KINDS, onEach, setup } from './harness.ts';

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
