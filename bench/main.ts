/**
 * `npm run bench`: the benchmark suite. Every signaling figure is measured side by side, in this run,
 * against a bare `ws` relay (bench/baseline/server.ts) driven by the same generator, and reported as a
 * ratio; absolute numbers are printed too. Budgets are reported, and fail the run only with --strict.
 *
 * Parts: load (+ baseline), ramp, idle, join, store, replay, startup, and client (part 4: headless
 * Chromium, bench/client/run.ts).
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { runClient } from './client/run.ts';
import { Generator } from './load/generator-client.ts';
import { runIdle } from './load/idle.ts';
import { runJoin } from './load/join.ts';
import { runLoad } from './load/load.ts';
import { runRamp } from './load/ramp.ts';
import { Budgets, jsonLine } from './lib/report.ts';
import { killStarted } from './lib/servers.ts';
import { USAGE, parseArgs, type Part, type Settings } from './lib/settings.ts';
import { runReplay, runStartup, runStore, writeBigLog, type BigLog } from './store/run.ts';

const print = (text: string) => process.stdout.write(`${text}\n`);

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    print(USAGE);
    return 0;
  }
  let settings: Settings;
  try {
    settings = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const started = performance.now();
  print(`# Camus benchmark${settings.quick ? ' (--quick)' : ''}: ${[...settings.parts].join(', ')}`);
  print(`node ${process.version}, linux ${release()}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  print('Absolute figures depend on this machine and its neighbours; compare the ratios, measured side by side in this run.');

  const budgets = new Budgets();
  let generator: Generator | undefined;
  const gen = () => (generator ??= new Generator());
  let log: BigLog | undefined;
  const bigLog = async () => (log ??= await writeBigLog(settings.logEvents, print));

  const parts: Record<Part, () => Promise<unknown>> = {
    load: () => runLoad(gen(), settings, budgets, print),
    ramp: () => runRamp(gen(), settings, print),
    idle: () => runIdle(gen(), settings, budgets, print),
    join: () => runJoin(gen(), settings, budgets, print),
    store: () => runStore(settings, budgets, print),
    replay: async () => runReplay(await bigLog(), budgets, print),
    startup: async () => runStartup(await bigLog(), settings, budgets, print),
    client: () => runClient(settings, budgets, print),
  };
  let failed = false;
  try {
    for (const part of settings.parts) {
      const t = performance.now();
      print(`\n(${part}: starting; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
      try {
        await parts[part]();
      } catch (error) {
        failed = true;
        print(`\n!! ${part} failed: ${(error as Error).stack ?? String(error)}`);
        print(jsonLine(part, { error: (error as Error).message }));
      }
      print(`(${part}: ${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await generator?.close();
    killStarted();
    if (log) rmSync(log.dataDir, { recursive: true, force: true });
  }
  print(budgets.render());
  print(jsonLine('budgets', { quick: settings.quick, budgets: budgets.all, seconds: (performance.now() - started) / 1000 }));
  print(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s; ${budgets.misses.length} budget(s) missed${failed ? '; some parts FAILED' : ''}.`);
  if (failed) return 1;
  return settings.strict && budgets.misses.length > 0 ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killStarted();
    process.exit(130);
  });
}
process.exitCode = await main();
