/**
 * One load-generator thread. It owns whole rooms: it admits their clients through the real path
 * (HTTP join → cookie → websocket → first pong), sends its share of the load on a fixed schedule,
 * and measures one-way latency at its receivers (every receiver of its rooms is one of its clients).
 */
import { parentPort } from 'node:worker_threads';
import { WebSocket, type RawData } from 'ws';
import { Samples } from '../lib/stats.ts';
import { nowMicros, type AdmitResult, type LoadRequest, type PhaseCounts, type PhaseResult, type WorkerRequest } from './messages.ts';

const PONG_TIMEOUT_MS = 10_000;
const HTTP_TIMEOUT_MS = 30_000;
/** A realistic host candidate (~130 chars); with sdpMid, index and the tag the data is ~200 bytes. */
const CANDIDATE = 'candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 192.168.1.20 rport 51000 generation 0 ufrag EEtu network-cost 999';
const CHAT_PADDING = 'x'.repeat(150);

interface Room {
  readonly slug: string;
  readonly members: Client[];
}
interface Client {
  readonly id: string;
  readonly target: Target;
  readonly room: Room;
  readonly index: number;
  readonly ws: WebSocket;
  pong: (() => void) | undefined;
}

/** Clients by target server: the bench may hold a baseline's and a Camus's clients at once and alternate. */
interface Target {
  readonly rooms: Map<string, Room>;
  readonly clients: Client[];
  readonly errorFrames: Record<string, number>;
  readonly closes: Record<string, number>;
}
const targets = new Map<string, Target>();
const targetOf = (name: string): Target => {
  let target = targets.get(name);
  if (!target) targets.set(name, (target = { rooms: new Map(), clients: [], errorFrames: {}, closes: {} }));
  return target;
};
const allClients = () => [...targets.values()].flatMap((t) => t.clients);
/** Bumped by closeAll, so the closes it causes are not counted against the next scenario. */
let clientGeneration = 0;

interface Phase extends PhaseCounts {
  sent: number;
  relays: number;
  broadcasts: number;
  expected: number;
  received: number;
  skipped: number;
  maxLagMicros: number;
  latencies: Samples;
}
const phases = new Map<number, Phase>();

// ── Receiving ──────────────────────────────────────────────────────────────────────────────────

function onFrame(client: Client, raw: RawData): void {
  const now = nowMicros();
  const frame = JSON.parse(raw.toString()) as { type: string; data: Record<string, unknown> | string };
  switch (frame.type) {
    case 'icecandidate':
      return record((frame.data as { usernameFragment: string }).usernameFragment, now);
    case 'text':
      return record((frame.data as { text: string }).text, now);
    case 'pong': {
      const resolve = client.pong;
      client.pong = undefined;
      return resolve?.();
    }
    case 'error': {
      // Errors are short sentences; their first words name the cause (rate limit, unknown receiver…).
      const reason = String(frame.data).split(':')[0]!.slice(0, 60);
      client.target.errorFrames[reason] = (client.target.errorFrames[reason] ?? 0) + 1;
      return;
    }
  }
}

/** Tags are `p<phase>:<send time µs>[:padding]`. */
function record(tag: string, now: number): void {
  const colon = tag.indexOf(':');
  const end = tag.indexOf(':', colon + 1);
  const phase = phases.get(Number(tag.slice(1, colon)));
  if (!phase) return;
  phase.received++;
  phase.latencies.push(now - Number(tag.slice(colon + 1, end < 0 ? undefined : end)));
}

// ── Admission ──────────────────────────────────────────────────────────────────────────────────

function roomOf(target: string, slug: string): Room {
  const { rooms } = targetOf(target);
  let room = rooms.get(slug);
  if (!room) rooms.set(slug, (room = { slug, members: [] }));
  return room;
}

/** Join over HTTP, open the websocket with the cookie, ping, wait for the pong. Resolves to ms taken. */
async function admitOne(target: string, baseUrl: string, slug: string): Promise<number> {
  const started = nowMicros();
  const response = await fetch(`${baseUrl}/api/rooms/${encodeURIComponent(slug)}/join`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`join: HTTP ${response.status} ${body.slice(0, 80)}`);
  const { clientId } = JSON.parse(body) as { clientId: string };
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('camus_session='));
  if (!cookie) throw new Error('join: no camus_session cookie');
  const room = roomOf(target, slug);
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/room/${encodeURIComponent(slug)}/ws`, {
    headers: { Cookie: cookie },
    perMessageDeflate: false,
  });
  const client: Client = { id: clientId, target: targetOf(target), room, index: -1, ws, pong: undefined };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('websocket: no pong within 10 s'));
    }, PONG_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`websocket: ${error.message}`));
    };
    ws.once('error', fail);
    ws.once('unexpected-response', (_req, res) => fail(new Error(`upgrade refused with HTTP ${res.statusCode}`)));
    ws.on('message', (data) => onFrame(client, data));
    ws.once('open', () => {
      client.pong = () => {
        clearTimeout(timer);
        ws.off('error', fail);
        ws.on('error', () => {});
        resolve();
      };
      ws.send(JSON.stringify({ receiver: 'ground control', type: 'ping', data: Date.now() }));
    });
  });
  const generation = clientGeneration;
  ws.on('close', (code) => {
    if (generation === clientGeneration) client.target.closes[code] = (client.target.closes[code] ?? 0) + 1;
  });
  (client as { index: number }).index = room.members.length;
  room.members.push(client);
  targetOf(target).clients.push(client);
  return (nowMicros() - started) / 1000;
}

async function admit(target: string, baseUrl: string, slugs: readonly string[], perRoom: number, concurrency: number): Promise<AdmitResult> {
  const queue = slugs.flatMap((slug) => Array.from({ length: perRoom }, () => slug));
  const joinMs: number[] = [];
  const failures: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      while (next < queue.length) {
        const slug = queue[next++]!;
        await admitOne(target, baseUrl, slug).then(
          (ms) => joinMs.push(ms),
          (error: Error) => failures.push(error.message),
        );
      }
    }),
  );
  return { admitted: joinMs.length, failed: failures.length, failures: failures.slice(0, 20), joinMs: Float64Array.from(joinMs) };
}

/** Joins at scheduled times (µs on the shared clock), whatever the previous ones are doing. */
async function joinAt(target: string, baseUrl: string, joins: readonly { slug: string; at: number }[]): Promise<AdmitResult> {
  const joinMs: number[] = [];
  const failures: string[] = [];
  await Promise.all(
    joins.map(async ({ slug, at }) => {
      await new Promise((r) => setTimeout(r, Math.max(0, (at - nowMicros()) / 1000)));
      await admitOne(target, baseUrl, slug).then(
        (ms) => joinMs.push(ms),
        (error: Error) => failures.push(error.message),
      );
    }),
  );
  return { admitted: joinMs.length, failed: failures.length, failures: failures.slice(0, 20), joinMs: Float64Array.from(joinMs) };
}

// ── Sending ────────────────────────────────────────────────────────────────────────────────────

/** Senders go round the clients, separately for each kind, so every client sends an equal share of both. */
let nextRelaySender = 0;
let nextTextSender = 0;
let sequence = 0;

function sendOne(clients: readonly Client[], phase: Phase, phaseId: number, textFraction: number): void {
  const isText = Math.floor((sequence + 1) * textFraction) > Math.floor(sequence * textFraction);
  sequence++;
  const client = clients[(isText ? nextTextSender++ : nextRelaySender++) % clients.length]!;
  if (client.ws.readyState !== WebSocket.OPEN) {
    phase.skipped++;
    return;
  }
  const members = client.room.members;
  const at = nowMicros();
  if (isText) {
    client.ws.send(`{"receiver":"room","type":"text","data":{"from":"bench","time":${at / 1000},"text":"p${phaseId}:${at}:${CHAT_PADDING}"}}`);
    phase.broadcasts++;
    phase.expected += members.length;
  } else {
    if (members.length < 2) {
      phase.skipped++;
      return;
    }
    const target = members[(client.index + 1 + Math.floor(Math.random() * (members.length - 1))) % members.length]!;
    client.ws.send(
      `{"receiver":"${target.id}","type":"icecandidate","data":{"candidate":"${CANDIDATE}","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"p${phaseId}:${at}"}}`,
    );
    phase.relays++;
    phase.expected += 1;
  }
  phase.sent++;
}

/**
 * Open-loop sending: the number of messages due is a function of time alone, so a slow server does
 * not slow the generator down (no coordinated omission). A late loop catches up in bursts.
 */
async function load({ target, startAt, phases: specs, textFraction }: LoadRequest): Promise<void> {
  const { clients } = targetOf(target);
  let begin = startAt;
  for (const spec of specs) {
    const phase: Phase = { sent: 0, relays: 0, broadcasts: 0, expected: 0, received: 0, skipped: 0, maxLagMicros: 0, latencies: new Samples() };
    phases.set(spec.id, phase);
    const end = begin + spec.durationMs * 1000;
    const total = Math.floor((spec.rate * spec.durationMs) / 1000);
    let done = 0;
    while (done < total && clients.length > 0) {
      const now = nowMicros();
      if (now < begin) {
        await new Promise((r) => setTimeout(r, Math.max(0, (begin - now) / 1000 - 1)));
        continue;
      }
      const due = Math.min(total, Math.floor(((Math.min(now, end) - begin) / 1e6) * spec.rate));
      if (due > done) phase.maxLagMicros = Math.max(phase.maxLagMicros, now - (begin + (done / spec.rate) * 1e6));
      // Bounded per turn so receiving is never starved for long.
      for (let n = 0; done < due && n < 2000; n++, done++) sendOne(clients, phase, spec.id, textFraction);
      await new Promise((r) => (done < due ? setImmediate(r) : setTimeout(r, 1)));
    }
    begin = end;
  }
}

// ── Requests ───────────────────────────────────────────────────────────────────────────────────

function countsOf(phase: Phase): PhaseCounts {
  const { sent, relays, broadcasts, expected, received, skipped, maxLagMicros } = phase;
  return { sent, relays, broadcasts, expected, received, skipped, maxLagMicros };
}

async function handle(request: WorkerRequest): Promise<{ result: unknown; transfer?: ArrayBuffer[] }> {
  switch (request.cmd) {
    case 'admit': {
      const result = await admit(request.target, request.baseUrl, request.slugs, request.perRoom, request.concurrency);
      return { result, transfer: [result.joinMs.buffer as ArrayBuffer] };
    }
    case 'join': {
      const result = await joinAt(request.target, request.baseUrl, request.joins);
      return { result, transfer: [result.joinMs.buffer as ArrayBuffer] };
    }
    case 'load':
      await load(request.request);
      return { result: null };
    case 'counts':
      return { result: phases.has(request.phase) ? countsOf(phases.get(request.phase)!) : null };
    case 'collect': {
      const phase = phases.get(request.phase);
      if (!phase) return { result: null };
      phases.delete(request.phase);
      const result: PhaseResult = { ...countsOf(phase), latencies: phase.latencies.take() };
      return { result, transfer: [result.latencies.buffer as ArrayBuffer] };
    }
    case 'status': {
      const target = targetOf(request.target);
      const { clients, errorFrames, closes } = target;
      return {
        result: { clients: clients.length, open: clients.filter((c) => c.ws.readyState === WebSocket.OPEN).length, errorFrames: { ...errorFrames }, closes: { ...closes } },
      };
    }
    case 'closeAll': {
      clientGeneration++;
      for (const client of allClients()) client.ws.terminate();
      targets.clear();
      return { result: null };
    }
  }
}

parentPort!.on('message', ({ id, request }: { id: number; request: WorkerRequest }) => {
  handle(request).then(
    ({ result, transfer }) => parentPort!.postMessage({ id, ok: true, result }, transfer ?? []),
    (error: Error) => parentPort!.postMessage({ id, ok: false, error: error.stack ?? String(error) }),
  );
});
