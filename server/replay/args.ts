/** What `npm run replay -- <room-slug> [options]` was asked to do. */
export interface ReplayArgs {
  readonly slug: string;
  readonly fromPosition: number | undefined;
  readonly toPosition: number | undefined;
  readonly since: number | undefined;
  readonly until: number | undefined;
  readonly client: string | undefined;
  readonly json: boolean;
  readonly follow: boolean;
  /** A Stately inspector relay to play the log into. */
  readonly inspect: string | undefined;
  /** A running server whose live state the replay is compared with (needs ADMIN_TOKEN). */
  readonly server: string | undefined;
  readonly help: boolean;
}

export const USAGE = `Usage: npm run replay -- <room-slug> [options]

Folds a room's event log through the state machines (nothing is sent anywhere) and prints, for each
event, its position, time, the event, the resulting state and what changed.

Options:
  --from <position>    start at this global position
  --to <position>      stop after this global position
  --since <time>       only events at or after this time (ISO 8601, or milliseconds since the epoch)
  --until <time>       only events at or before this time
  --client <id>        only this client's events (its stream, and the room's events about it)
  --json               one JSON object per line
  --follow             keep watching the log and print new events as they are appended
  --inspect <ws url>   also play the log into a Stately inspector relay (ws:// or wss://)
  --server <url>       also compare the replayed state with what the server at <url> holds now
                       (GET /debug/rooms/<slug>/state; needs ADMIN_TOKEN in the environment)
  -h, --help           this text

The database is the server's: DATABASE_URL, or DATA_DIR/camus.db (default ./data).
Exit codes: 0 ok, 1 self-check failed, 2 usage, 3 unknown room, 4 empty log, 5 corrupt row, 6 cannot open the database,
7 no inspector at the --inspect URL, 8 the --server cannot be asked (unreachable, debug pages off, token refused).
With --server, a difference between the replay and the live state is a failed self-check (1).`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): ReplayArgs {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  const valued = new Set(['--from', '--to', '--since', '--until', '--client', '--inspect', '--server']);
  const flags = new Set(['--json', '--follow', '--help', '-h']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (valued.has(arg)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      options[arg] = value;
    } else if (flags.has(arg)) {
      options[arg] = true;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  const help = options['--help'] === true || options['-h'] === true;
  if (help) return { slug: '', fromPosition: undefined, toPosition: undefined, since: undefined, until: undefined, client: undefined, json: false, follow: false, inspect: undefined, server: undefined, help };
  if (positional.length === 0) throw new UsageError('which room? give its slug, e.g. npm run replay -- excellent-adventure');
  if (positional.length > 1) throw new UsageError(`one room at a time (got ${positional.join(', ')})`);
  const client = options['--client'] as string | undefined;
  if (client !== undefined && !/^[0-9a-f]{1,32}$/.test(client)) throw new UsageError('--client takes a client id (hex digits; a prefix is enough)');
  const inspect = options['--inspect'] as string | undefined;
  if (inspect !== undefined && !/^wss?:\/\/\S+$/.test(inspect)) throw new UsageError(`--inspect takes a ws:// or wss:// URL, got "${inspect}"`);
  const server = options['--server'] as string | undefined;
  if (server !== undefined && !/^https?:\/\/[^\s/]+\S*$/.test(server)) throw new UsageError(`--server takes an http:// or https:// URL, got "${server}"`);
  if (server !== undefined && options['--follow'] === true) throw new UsageError('--server compares a moment; it cannot be combined with --follow');
  const args = {
    slug: positional[0]!,
    fromPosition: position(options['--from'], '--from'),
    toPosition: position(options['--to'], '--to'),
    since: time(options['--since'], '--since'),
    until: time(options['--until'], '--until'),
    client,
    json: options['--json'] === true,
    follow: options['--follow'] === true,
    inspect,
    server,
    help,
  };
  if (args.fromPosition !== undefined && args.toPosition !== undefined && args.fromPosition > args.toPosition) {
    throw new UsageError('--from is after --to');
  }
  if (args.since !== undefined && args.until !== undefined && args.since > args.until) throw new UsageError('--since is after --until');
  return args;
}

function position(value: string | true | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new UsageError(`${name} takes a position (a whole number), got "${value}"`);
  return Number(value);
}

function time(value: string | true | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Date.parse(String(value));
  if (!Number.isFinite(ms)) throw new UsageError(`${name} takes an ISO 8601 time or milliseconds since the epoch, got "${value}"`);
  return ms;
}
