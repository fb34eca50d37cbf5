import type { Machines } from '../runtime/machines.ts';
import { replayRoom, type RoomReplay } from '../runtime/replay.ts';
import type { RecordedEvent } from '../store/recorded-event.ts';
import { shortId } from './timeline.ts';

/** An actor's state as the debug endpoint shows it: a password hash is never sent, only whether there is one. */
export interface ActorState {
  readonly value: unknown;
  readonly context: Record<string, unknown>;
}

/** `GET /debug/rooms/<slug>/state`: what the running server holds for a room. */
export interface LiveState {
  /** Null when the server holds no open room of that slug. */
  readonly room: ActorState | null;
  /** Clients holding a seat, in order of arrival. */
  readonly clients: readonly (ActorState & { readonly id: string })[];
  /** The global log position this state includes: every event of the room up to it, and none after. */
  readonly lastPosition: number;
}

export interface Difference {
  /** `room` or `client <first 8 hex digits>`. */
  readonly actor: string;
  /** `state`, `context.<key>`, or `presence` (the actor exists on one side only). */
  readonly what: string;
  readonly expected: unknown;
  readonly live: unknown;
}

export interface LiveCheck {
  readonly lastPosition: number;
  /** The global position the log had reached when it was last read. */
  readonly readUpTo: number;
  readonly differences: readonly Difference[];
}

export function actorState(snapshot: { readonly value: unknown; readonly context: object }): ActorState {
  const context = snapshot.context as Record<string, unknown>;
  if (!('passwordHash' in context)) return { value: snapshot.value, context };
  const { passwordHash, ...rest } = context;
  return { value: snapshot.value, context: { ...rest, hasPassword: passwordHash !== null } };
}

/** What the server should hold after the replayed events: a room that is not open is not held. */
export function expectedState(replay: RoomReplay, lastPosition: number): LiveState {
  const room = replay.room?.snapshot;
  if (!room || !room.matches('open')) return { room: null, clients: [], lastPosition };
  return { room: actorState(room), clients: [...replay.clients].map(([id, c]) => ({ id, ...actorState(c.snapshot) })), lastPosition };
}

export function compareStates(expected: LiveState, live: LiveState): Difference[] {
  const differences: Difference[] = [];
  compareActor('room', expected.room, live.room, differences);
  const liveClients = new Map(live.clients.map((c) => [c.id, c]));
  for (const client of expected.clients) {
    compareActor(`client ${shortId(client.id)}`, client, liveClients.get(client.id) ?? null, differences);
    liveClients.delete(client.id);
  }
  for (const client of liveClients.values()) compareActor(`client ${shortId(client.id)}`, null, client, differences);
  return differences;
}

function compareActor(actor: string, expected: ActorState | null, live: ActorState | null, into: Difference[]): void {
  if (expected === null || live === null) {
    if (expected !== live) into.push({ actor, what: 'presence', expected: expected?.value ?? null, live: live?.value ?? null });
    return;
  }
  if (canonical(expected.value) !== canonical(live.value)) into.push({ actor, what: 'state', expected: expected.value, live: live.value });
  for (const key of new Set([...Object.keys(expected.context), ...Object.keys(live.context)])) {
    if (canonical(expected.context[key]) === canonical(live.context[key])) continue;
    into.push({ actor, what: `context.${key}`, expected: expected.context[key] ?? null, live: live.context[key] ?? null });
  }
}

/** JSON with object keys sorted, so that key order never counts as a difference. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export interface LogReader {
  /** The highest global position in the log. */
  readonly lastGlobalPosition: () => Promise<number>;
  /** The room's events after a global position. */
  readonly readRoom: (after: number) => Promise<readonly RecordedEvent[]>;
}

/**
 * Compares the live state with a replay of the log up to the position the live state includes. The
 * server may have recorded events after `events` were read, and may not have written them yet: the
 * log is read again until it reaches that position (a bounded number of times).
 */
export async function checkLive(
  machines: Machines,
  slug: string,
  events: readonly RecordedEvent[],
  live: LiveState,
  log: LogReader,
  { attempts = 20, waitMs = 100 } = {},
): Promise<LiveCheck> {
  const read = [...events];
  let readUpTo = 0;
  for (let attempt = 1; ; attempt++) {
    readUpTo = await log.lastGlobalPosition();
    read.push(...(await log.readRoom(read.at(-1)?.globalPosition ?? 0)));
    if (readUpTo >= live.lastPosition || attempt >= attempts) break;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
  const replay = replayRoom(machines, slug, read.filter((e) => e.globalPosition <= live.lastPosition));
  return { lastPosition: live.lastPosition, readUpTo, differences: compareStates(expectedState(replay, live.lastPosition), live) };
}

export function liveCheckText(server: string, check: LiveCheck): string {
  const verdict = check.differences.length === 0 ? 'matches' : `${check.differences.length} difference(s)`;
  const lines = [`live check against ${server} (state up to #${check.lastPosition}): ${verdict}`];
  if (check.readUpTo < check.lastPosition) {
    lines.push(`  the log read ends at #${check.readUpTo}: the server holds events this log does not have`);
  }
  for (const d of check.differences) {
    lines.push(
      d.what === 'presence'
        ? `  ${d.actor}: ${d.live === null ? 'missing on the server' : 'only on the server'} (expected ${JSON.stringify(d.expected)}, live ${JSON.stringify(d.live)})`
        : `  ${d.actor}: ${d.what}: expected ${JSON.stringify(d.expected)}, live ${JSON.stringify(d.live)}`,
    );
  }
  return lines.join('\n');
}

export function liveCheckJson(server: string, check: LiveCheck): string {
  return JSON.stringify({ kind: 'live-check', server, ok: check.differences.length === 0, ...check });
}

/** The server cannot be asked: unreachable, the debug pages are off, or the token is refused. */
export class LiveUnavailable extends Error {}

/** Fetches `GET <server>/debug/rooms/<slug>/state` with the admin token. */
export async function fetchLiveState(server: string, slug: string, token: string, timeoutMs = 10_000): Promise<LiveState> {
  const url = new URL(`debug/rooms/${encodeURIComponent(slug)}/state`, server.endsWith('/') ? server : `${server}/`);
  let response: Response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new LiveUnavailable(`cannot reach the server at ${url.origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  if (response.status === 404) throw new LiveUnavailable(`the server at ${url.origin} has no debug pages (HTTP 404): is ADMIN_TOKEN set there?`);
  if (response.status === 401 || response.status === 403) {
    throw new LiveUnavailable(`the server at ${url.origin} refused the admin token (HTTP ${response.status}): check ADMIN_TOKEN`);
  }
  if (!response.ok) throw new LiveUnavailable(`the server at ${url.origin} answered HTTP ${response.status}`);
  const body = (await response.json().catch(() => undefined)) as Partial<LiveState> | undefined;
  if (!body || !Array.isArray(body.clients) || typeof body.lastPosition !== 'number' || body.room === undefined) {
    throw new LiveUnavailable(`the server at ${url.origin} did not answer with a room state`);
  }
  return body as LiveState;
}
