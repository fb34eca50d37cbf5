import { describe, expect, it } from 'vitest';
import { SPEAKING_HOLD_MS, SPEAKING_LEVEL, SpeakingTracker } from './speaking.ts';

const levels = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('who is speaking', () => {
  it('marks a feed from its first loud level until the hold time after its last one', () => {
    const tracker = new SpeakingTracker();
    expect([...tracker.update(levels({ a: 0, b: SPEAKING_LEVEL / 2 }), 0)]).toEqual([]);
    expect([...tracker.update(levels({ a: SPEAKING_LEVEL, b: 0 }), 100)]).toEqual(['a']);
    // Quiet between two words: still speaking within the hold.
    expect([...tracker.update(levels({ a: 0, b: 0 }), 100 + SPEAKING_HOLD_MS - 1)]).toEqual(['a']);
    expect([...tracker.update(levels({ a: 0, b: 0.3 }), 100 + SPEAKING_HOLD_MS)]).toEqual(['b']);
  });

  it('returns the same set while nothing changes, and forgets feeds that are gone', () => {
    const tracker = new SpeakingTracker();
    const first = tracker.update(levels({ a: 0.2 }), 0);
    expect(tracker.update(levels({ a: 0.1 }), 100)).toBe(first);
    expect([...tracker.update(levels({}), 200)]).toEqual([]);
    // Back within what would have been the hold: no stale mark from before it left.
    expect([...tracker.update(levels({ a: 0 }), 300)]).toEqual([]);
  });
});
