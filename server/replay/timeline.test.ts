import { describe, expect, it } from 'vitest';
import { fixture, golden } from '../../tests/replay/support.ts';
import type { RecordedEvent } from '../store/recorded-event.ts';
import { configuredMachines } from '../runtime/machines.ts';
import { readConfig } from '../config.ts';
import { entryJson, entryText, summaryJson, summaryText } from './render.ts';
import { buildTimeline } from './timeline.ts';

const machines = configuredMachines(readConfig({}));
const GOLDEN = [
  ['two-person-call', 'two-person-call'],
  ['guest-limit-timeouts', 'room-for-two'],
  ['broken-log', 'broken-log'],
] as const;

/** What the CLI prints without filters, rendered in process. */
function render(slug: string, events: readonly RecordedEvent[], json: boolean): string {
  const timeline = buildTimeline(machines, slug, events);
  const lines = timeline.entries.map(json ? entryJson : entryText);
  lines.push(json ? summaryJson(timeline) : summaryText(timeline));
  return `${lines.join('\n')}\n`;
}

describe('replay timeline', () => {
  it.each(GOLDEN)('renders %s as the golden text and JSON timelines', (name, slug) => {
    const events = fixture(name);
    const text = render(slug, events, false);
    expect(text).toBe(golden(`${name}.timeline.txt`, text));
    const json = render(slug, events, true);
    expect(json).toBe(golden(`${name}.timeline.jsonl`, json));
  });

  it('is pure: the same log gives the same timeline', () => {
    const events = fixture('two-person-call');
    expect(buildTimeline(machines, 'two-person-call', events)).toEqual(buildTimeline(machines, 'two-person-call', events));
  });

  it('reads a negotiation from the relay metadata, each answer credited to the offer it answers', () => {
    const { traffic } = buildTimeline(machines, 'two-person-call', fixture('two-person-call'));
    const [alice, bob] = ['a11ce000000000000000000000000001', 'b0b00000000000000000000000000002'];
    expect(traffic).toEqual([
      { from: alice, to: bob, offers: 1, answers: 1, candidates: { host: 2, srflx: 2, relay: 2 }, firstOfferAt: 1_700_000_002_790, firstOfferAnsweredAt: 1_700_000_002_970 },
      { from: bob, to: alice, offers: 1, answers: 1, candidates: { host: 2, srflx: 2, relay: 2 }, firstOfferAt: 1_700_000_044_075, firstOfferAnsweredAt: 1_700_000_044_255 },
    ]);
  });

  it('never shows a password hash', () => {
    const events = fixture('two-person-call');
    expect(JSON.stringify(events)).toContain('scrypt$');
    expect(render('two-person-call', events, false)).not.toContain('scrypt$');
    expect(render('two-person-call', events, true)).not.toContain('scrypt$');
  });

  it('flags the gap and the refused event of the broken log, and goes on replaying', () => {
    const timeline = buildTimeline(machines, 'broken-log', fixture('broken-log'));
    expect(timeline.problems).toEqual([
      { globalPosition: 9, streamId: 'client-a11ce000000000000000000000000001', message: 'expected stream position 3, found 4' },
      { globalPosition: 11, streamId: 'room-broken-log', message: 'ClientLeft is not accepted in state {"open":"occupied"}' },
    ]);
    expect(timeline.replay.room!.snapshot.context.members).toHaveLength(2);
    expect(timeline.entries.at(-1)!.problems).toEqual(['ClientLeft is not accepted in state {"open":"occupied"}']);
  });
});
