import type { MessageRelayed } from '../client/events.ts';
import type { Machines } from '../runtime/machines.ts';
import { replayRoom, type ReplayProblem, type ReplayStep, type RoomReplay } from '../runtime/replay.ts';
import type { RecordedEvent } from '../store/recorded-event.ts';

export interface TimelineEntry {
  readonly position: number;
  readonly at: number;
  readonly stream: string;
  /** `room`, or `client <first 8 hex digits>`. */
  readonly actor: string;
  readonly event: string;
  /** The event's fields other than type and time; a password hash is never shown. */
  readonly details: Record<string, unknown>;
  /** The actor's state value after the event (unchanged if rejected). */
  readonly state: unknown;
  readonly changes: Record<string, { readonly from: unknown; readonly to: unknown }>;
  readonly problems: readonly string[];
}

/** Who sent what to whom, from the relay metadata: enough to read a negotiation. */
export interface PairTraffic {
  readonly from: string;
  readonly to: string;
  offers: number;
  answers: number;
  candidates: Record<string, number>;
  /** When `from` first sent `to` an offer. */
  firstOfferAt: number | null;
  /** When `to` first answered it (its first answer to `from` at or after that offer); null if never. */
  firstOfferAnsweredAt: number | null;
}

export interface Timeline {
  readonly entries: readonly TimelineEntry[];
  readonly replay: RoomReplay;
  readonly problems: readonly ReplayProblem[];
  readonly traffic: readonly PairTraffic[];
}

export const shortId = (id: string) => id.slice(0, 8);

/** Replays a room's log and describes every step. Pure: the same log always gives the same timeline. */
export function buildTimeline(machines: Machines, slug: string, events: readonly RecordedEvent[]): Timeline {
  const entries: TimelineEntry[] = [];
  const traffic = new Map<string, PairTraffic>();
  const replay = replayRoom(machines, slug, events, (step) => {
    entries.push(describe(step));
    countTraffic(traffic, step.recorded);
  });
  return { entries, replay, problems: replay.problems, traffic: [...traffic.values()] };
}

function describe(step: ReplayStep): TimelineEntry {
  const { recorded, before, after } = step;
  const { type, at, ...fields } = recorded.data as { type: string; at?: number; [key: string]: unknown };
  const beforeSnapshot = before?.snapshot as { value: unknown; context: Record<string, unknown> } | undefined;
  const afterSnapshot = (after ?? before)?.snapshot as { value: unknown; context: Record<string, unknown> } | undefined;
  return {
    position: recorded.globalPosition,
    at: at ?? recorded.recordedAt,
    stream: recorded.streamId,
    actor: recorded.streamId.startsWith('client-') ? `client ${shortId(recorded.streamId.slice(7))}` : 'room',
    event: type,
    details: redact(fields),
    state: afterSnapshot?.value,
    changes: after && beforeSnapshot ? diff(beforeSnapshot.context, afterSnapshot!.context) : {},
    problems: step.problems.map((p) => p.message),
  };
}

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  if (!('passwordHash' in fields)) return fields;
  const { passwordHash, ...rest } = fields;
  return { ...rest, hasPassword: passwordHash !== null };
}

function diff(before: Record<string, unknown>, after: Record<string, unknown>): TimelineEntry['changes'] {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    changes[key] = key === 'passwordHash' ? { from: mask(before[key]), to: mask(after[key]) } : { from: before[key], to: after[key] };
  }
  return changes;
}

const mask = (hash: unknown) => (hash === null || hash === undefined ? hash : '(set)');

function countTraffic(traffic: Map<string, PairTraffic>, recorded: RecordedEvent): void {
  if (recorded.type !== 'MessageRelayed') return;
  const data = recorded.data as unknown as MessageRelayed;
  const from = recorded.streamId.slice('client-'.length);
  const key = `${from}>${data.to}`;
  let pair = traffic.get(key);
  if (!pair) {
    pair = { from, to: data.to, offers: 0, answers: 0, candidates: {}, firstOfferAt: null, firstOfferAnsweredAt: null };
    traffic.set(key, pair);
  }
  if (data.messageType === 'offer') {
    pair.offers++;
    pair.firstOfferAt ??= data.at;
  } else if (data.messageType === 'answer') {
    pair.answers++;
    // An answer from A to B answers B's offer to A.
    const offered = traffic.get(`${data.to}>${from}`);
    if (offered && offered.firstOfferAt !== null && offered.firstOfferAnsweredAt === null && data.at >= offered.firstOfferAt) {
      offered.firstOfferAnsweredAt = data.at;
    }
  } else if (data.messageType === 'icecandidate') {
    const kind = data.candidateType ?? 'unknown';
    pair.candidates[kind] = (pair.candidates[kind] ?? 0) + 1;
  }
}
