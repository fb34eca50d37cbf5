import { shortId, type PairTraffic, type Timeline, type TimelineEntry } from './timeline.ts';

const TIMER_PREFIX = 'xstate.after.';

/** One event as a line (and its context changes indented beneath it), for people. */
export function entryText(entry: TimelineEntry): string {
  const time = new Date(entry.at).toISOString().slice(11, 23);
  const event = entry.event.startsWith(TIMER_PREFIX) ? `⏱ ${entry.event.slice(TIMER_PREFIX.length).split('.')[0]} expired` : entry.event;
  const details = Object.entries(entry.details)
    .map(([key, value]) => `${key}=${format(key, value)}`)
    .join(' ');
  const lines = [`#${String(entry.position).padEnd(5)} ${time}  ${entry.actor.padEnd(15)} ${event}${details ? ` ${details}` : ''}  → ${stateText(entry.state)}`];
  for (const [key, change] of Object.entries(entry.changes)) {
    lines.push(`        ${key}: ${format(key, change.from)} → ${format(key, change.to)}`);
  }
  for (const problem of entry.problems) lines.push(`        ! ${problem}`);
  return lines.join('\n');
}

export function summaryText(timeline: Timeline): string {
  const { replay } = timeline;
  const lines = ['', `room ${replay.slug}: ${stateText(replay.room?.snapshot.value)}`];
  for (const [id, client] of replay.clients) {
    lines.push(`  client ${shortId(id)} ${JSON.stringify(client.snapshot.context.username)}: ${stateText(client.snapshot.value)}`);
  }
  if (timeline.traffic.length > 0) {
    lines.push('', 'negotiation (relayed messages):');
    for (const pair of timeline.traffic) lines.push(`  ${trafficText(pair)}`);
  }
  lines.push('', timeline.problems.length === 0 ? 'self-check: ok' : `self-check: ${timeline.problems.length} problem(s)`);
  for (const problem of timeline.problems) lines.push(`  #${problem.globalPosition} ${problem.streamId}: ${problem.message}`);
  return lines.join('\n');
}

export function entryJson(entry: TimelineEntry): string {
  return JSON.stringify({ kind: 'event', ...entry, time: new Date(entry.at).toISOString() });
}

export function summaryJson(timeline: Timeline): string {
  const { replay } = timeline;
  return JSON.stringify({
    kind: 'summary',
    room: replay.slug,
    state: replay.room?.snapshot.value ?? null,
    members: replay.room?.snapshot.context.members ?? [],
    clients: [...replay.clients].map(([id, c]) => ({ id, username: c.snapshot.context.username, state: c.snapshot.value })),
    traffic: timeline.traffic,
    problems: timeline.problems,
  });
}

function trafficText(pair: PairTraffic): string {
  const candidates = Object.entries(pair.candidates)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  const answerDelay =
    pair.firstOfferAt !== null && pair.firstOfferAnsweredAt !== null
      ? ` (first offer answered in ${pair.firstOfferAnsweredAt - pair.firstOfferAt} ms)`
      : pair.offers > 0
        ? ' (no answer)'
        : '';
  return `${shortId(pair.from)} → ${shortId(pair.to)}: ${pair.offers} offer(s), ${pair.answers} answer(s)${answerDelay}, candidates: ${candidates || 'none'}`;
}

function stateText(value: unknown): string {
  if (value === undefined) return '-';
  if (typeof value === 'string') return value;
  return Object.entries(value as Record<string, unknown>)
    .map(([key, child]) => `${key}.${stateText(child)}`)
    .join(',');
}

function format(key: string, value: unknown): string {
  if ((key === 'to' || key === 'clientId') && typeof value === 'string') return shortId(value);
  if (key === 'members' && Array.isArray(value)) return `[${value.map((id) => shortId(String(id))).join(' ')}]`;
  return JSON.stringify(value);
}
