/** What a run does: parts, durations and sizes. `--quick` is the CI run (under two minutes). */
export const PARTS = ['load', 'ramp', 'idle', 'join', 'store', 'replay', 'startup', 'client'] as const;
export type Part = (typeof PARTS)[number];

export interface Settings {
  readonly quick: boolean;
  readonly parts: ReadonlySet<Part>;
  /** Load-generator worker threads (each owns whole rooms). */
  readonly workers: number;
  /** Measurement rounds per load scenario (median reported). */
  readonly rounds: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly drainMs: number;
  readonly rampStepMs: number;
  readonly idleCounts: readonly number[];
  readonly idleHoldMs: number;
  readonly joinCount: number;
  readonly joinRate: number;
  readonly storeMs: number;
  readonly logEvents: number;
  /** Also run Camus under --cpu-prof; profiles go to this directory. */
  readonly profileDir: string | undefined;
  /** Exit 1 when a budget is missed (off by default: the machine is shared and noisy). */
  readonly strict: boolean;
  /** A PostgreSQL URL to use instead of starting a throwaway server. */
  readonly postgresUrl: string | undefined;
  /** Only these load scenarios (keys), or all. */
  readonly scenarios: ReadonlySet<string> | undefined;
}

export const USAGE = `Usage: npm run bench -- [--quick] [part...] [options]

Parts (default: all; "baseline" runs with "load", as every figure has its baseline beside it):
  load      signaling load: 100 rooms x 4, 10 rooms x 4 (not in --quick), one room of 50 (broadcast-heavy)
  ramp      raise the rate on 100 rooms x 4 until p99 > 50 ms or a message is lost (skipped by --quick unless named)
  idle      hold N idle connections; server RSS per connection
  join      1,000 clients (--quick: 500) joining at 200/s; join time to the first pong
  store     event-store appends/s on SQLite and PostgreSQL, batches of 1, 10, 100
  replay    events folded per second through the machines
  startup   the real server's start with a large log, until "listening"
  client    headless Chromium: "Enter room" to the first remote frame (median of 10; --quick 3), room page JS size

Options:
  --quick              short durations and sizes (CI)
  --workers N          load-generator threads (default 1; this machine has few cores)
  --idle-max N         the largest idle scenario (default 4900: the server refuses the 5001st socket)
  --events N           size of the log for replay and startup (default 1,000,000; --quick 30,000)
  --measure-ms N       length of each measured load window (default 10,000; --quick 2,000)
  --rounds N           measured rounds per load scenario, medians reported (default 3; --quick 1)
  --scenario KEY       only this load scenario (rooms100x4, rooms10x4, room1x50); repeatable
  --profile DIR        run Camus under node --cpu-prof, profiles in DIR
  --postgres-url URL   use this PostgreSQL for the store part instead of a throwaway server
  --strict             exit 1 if a budget is missed`;

export function parseArgs(argv: readonly string[]): Settings {
  const args = [...argv];
  const parts = new Set<Part>();
  let quick = false;
  let strict = false;
  let workers = 1;
  let idleMax = 4900;
  let events: number | undefined;
  let measureMs: number | undefined;
  let rounds: number | undefined;
  let profileDir: string | undefined;
  let postgresUrl = process.env.BENCH_POSTGRES_URL || undefined;
  let scenarios: Set<string> | undefined;
  const number = (flag: string, value: string | undefined, min: number, max: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag}: expected a whole number from ${min} to ${max}, got "${value}"`);
    return n;
  };
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '--quick') quick = true;
    else if (arg === '--strict') strict = true;
    else if (arg === '--workers') workers = number(arg, args.shift(), 1, 16);
    else if (arg === '--idle-max') idleMax = number(arg, args.shift(), 1, 4999);
    else if (arg === '--events') events = number(arg, args.shift(), 1000, 20_000_000);
    else if (arg === '--measure-ms') measureMs = number(arg, args.shift(), 500, 600_000);
    else if (arg === '--rounds') rounds = number(arg, args.shift(), 1, 20);
    else if (arg === '--profile') profileDir = args.shift();
    else if (arg === '--postgres-url') postgresUrl = args.shift();
    else if (arg === '--scenario') (scenarios ??= new Set()).add(args.shift() ?? '');
    else if (arg === 'baseline') parts.add('load');
    else if ((PARTS as readonly string[]).includes(arg)) parts.add(arg as Part);
    else throw new Error(`unknown argument "${arg}"`);
  }
  if (parts.size === 0) for (const part of PARTS) if (!(quick && part === 'ramp')) parts.add(part);
  return {
    quick,
    parts,
    workers,
    rounds: rounds ?? (quick ? 1 : 3),
    warmupMs: quick ? 500 : 2000,
    measureMs: measureMs ?? (quick ? 2000 : 10_000),
    drainMs: 2000,
    rampStepMs: quick ? 1500 : 3000,
    idleCounts: quick ? [Math.min(500, idleMax)] : [...new Set([Math.min(1000, idleMax), idleMax])],
    idleHoldMs: quick ? 1500 : 5000,
    joinCount: quick ? 500 : 1000,
    joinRate: 200,
    storeMs: quick ? 500 : 3000,
    logEvents: events ?? (quick ? 30_000 : 1_000_000),
    profileDir,
    strict,
    postgresUrl,
    scenarios,
  };
}
