import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Cause, Effect, Exit, Layer, ManagedRuntime, Option } from 'effect';
import { ConfigError, readConfig, type Config } from '../config.ts';
import { inspectReplay, webSocketSink } from '../inspect/inspection.ts';
import { configuredMachines, type Machines } from '../runtime/machines.ts';
import { databaseLayer } from '../store/database.ts';
import { EventStore } from '../store/event-store.ts';
import type { RecordedEvent } from '../store/recorded-event.ts';
import { SqlEventStoreLive } from '../store/sql-event-store.ts';
import { USAGE, UsageError, parseArgs, type ReplayArgs } from './args.ts';
import { ExitCode } from './exit-codes.ts';
import { checkLive, fetchLiveState, liveCheckJson, liveCheckText, LiveUnavailable, type LogReader } from './live-check.ts';
import { entryJson, entryText, summaryJson, summaryText } from './render.ts';
import { buildTimeline, type TimelineEntry } from './timeline.ts';

const FOLLOW_POLL_MS = 500;
const INSPECT_FLUSH_MS = 1000;

class Failure extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return ExitCode.ok;
  }
  const token = process.env.ADMIN_TOKEN;
  if (args.server && !token) throw new UsageError('--server needs the admin token in the environment: ADMIN_TOKEN=… npm run replay -- …');
  const config = readConfig(process.env);
  const runtime = openLog(config);
  try {
    const run = async <A, E>(effect: Effect.Effect<A, E, EventStore>): Promise<A> => {
      // runPromise would wrap the tagged error in a FiberFailure, which hides its tag.
      const exit = await runtime.runPromiseExit(effect);
      if (Exit.isSuccess(exit)) return exit.value;
      const failure = Cause.failureOption(exit.cause);
      return storeFailure(Option.isSome(failure) ? failure.value : Cause.squash(exit.cause));
    };
    const read = (after?: number) => run(Effect.flatMap(EventStore, (store) => store.readRoom(args.slug, after)));
    const events = [...(await read())];
    if (events.length === 0) {
      const any = await run(Effect.flatMap(EventStore, (store) => store.lastGlobalPosition));
      throw any === 0
        ? new Failure('the event log is empty', ExitCode.emptyLog)
        : new Failure(`no room "${args.slug}" in the event log`, ExitCode.unknownRoom);
    }
    const machines = configuredMachines(config);
    let timeline = buildTimeline(machines, args.slug, events);
    let printed = print(timeline.entries, args, 0);
    if (args.inspect) await playInto(args.inspect, machines, args.slug, events);
    if (!args.follow) {
      process.stdout.write(`${args.json ? summaryJson(timeline) : summaryText(timeline)}\n`);
      let consistent = timeline.problems.length === 0;
      if (args.server) {
        const log: LogReader = { lastGlobalPosition: () => run(Effect.flatMap(EventStore, (store) => store.lastGlobalPosition)), readRoom: read };
        consistent = (await compareWithServer(args.server, token!, machines, args.slug, events, log, args.json)) && consistent;
      }
      return consistent ? ExitCode.ok : ExitCode.inconsistent;
    }
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
      const fresh = await read(events.at(-1)!.globalPosition);
      if (fresh.length === 0) continue;
      events.push(...fresh);
      timeline = buildTimeline(machines, args.slug, events);
      printed = print(timeline.entries, args, printed);
    }
  } finally {
    await runtime.dispose();
  }
}

/** Reads the server's live state (after the log was read: see checkLive), compares and prints; true if they match. */
async function compareWithServer(
  server: string,
  token: string,
  machines: Machines,
  slug: string,
  events: readonly RecordedEvent[],
  log: LogReader,
  json: boolean,
): Promise<boolean> {
  const live = await fetchLiveState(server, slug, token).catch((error: unknown) => {
    throw error instanceof LiveUnavailable ? new Failure(error.message, ExitCode.cannotReachServer) : error;
  });
  const check = await checkLive(machines, slug, events, live, log);
  process.stdout.write(`${json ? liveCheckJson(server, check) : liveCheckText(server, check)}\n`);
  return check.differences.length === 0;
}

/** Plays the log into an inspector relay once; the inspector batches sends, so give it a moment to flush. */
async function playInto(url: string, machines: Machines, slug: string, events: readonly RecordedEvent[]): Promise<void> {
  const sink = await webSocketSink(url).catch((error: Error) => {
    throw new Failure(error.message, ExitCode.cannotInspect);
  });
  inspectReplay(sink, machines, slug, events);
  await new Promise((resolve) => setTimeout(resolve, INSPECT_FLUSH_MS));
  sink.stop();
}

function openLog(config: Config) {
  if (!config.databaseUrl) {
    const file = join(config.dataDir, 'camus.db');
    // Opening would create an empty database; a replay must never do that.
    if (!existsSync(file)) throw new Failure(`no database at ${file} (set DATA_DIR or DATABASE_URL)`, ExitCode.cannotOpen);
  }
  const store = SqlEventStoreLive.pipe(Layer.provide(databaseLayer({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })));
  return ManagedRuntime.make(store);
}

/** Prints the entries after the first `already` that pass the filters; returns how many entries are now done. */
function print(entries: readonly TimelineEntry[], args: ReplayArgs, already: number): number {
  for (const entry of entries.slice(already)) {
    if (!selected(entry, args)) continue;
    process.stdout.write(`${args.json ? entryJson(entry) : entryText(entry)}\n`);
  }
  return entries.length;
}

function selected(entry: TimelineEntry, args: ReplayArgs): boolean {
  if (args.fromPosition !== undefined && entry.position < args.fromPosition) return false;
  if (args.toPosition !== undefined && entry.position > args.toPosition) return false;
  if (args.since !== undefined && entry.at < args.since) return false;
  if (args.until !== undefined && entry.at > args.until) return false;
  if (args.client !== undefined) {
    const own = entry.stream.startsWith(`client-${args.client}`);
    const about = typeof entry.details.clientId === 'string' && entry.details.clientId.startsWith(args.client);
    if (!own && !about) return false;
  }
  return true;
}

function storeFailure(error: unknown): never {
  const tagged = error as { _tag?: string; message?: string };
  if (tagged._tag === 'CorruptEvent') throw new Failure(`corrupt event log: ${tagged.message}`, ExitCode.corruptRow);
  const message = tagged.message ?? String(error);
  throw new Failure(`cannot read the event log: ${message.split('\n')[0]}`, ExitCode.cannotOpen);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`camus-replay: ${error.message}\n\n${USAGE}\n`);
      process.exit(ExitCode.usage);
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`camus-replay: invalid configuration: ${error.problems.join('; ')}\n`);
      process.exit(ExitCode.usage);
    }
    if (error instanceof Failure) {
      process.stderr.write(`camus-replay: ${error.message}\n`);
      process.exit(error.code);
    }
    const message = (error as { message?: string }).message ?? String(error);
    process.stderr.write(`camus-replay: cannot open the event log: ${message.split('\n')[0]}\n`);
    process.exit(ExitCode.cannotOpen);
  },
);
