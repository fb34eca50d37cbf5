import { describe, expect, it } from 'vitest';
import { randomIds, timeOrderedUuid } from './ids.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('event ids', () => {
  it('are UUIDv7 carrying the time they were made, so later ids sort after earlier ones', () => {
    const at = 1_764_220_800_123;
    const id = timeOrderedUuid(at);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
    expect(timeOrderedUuid(at + 1) > timeOrderedUuid(at)).toBe(true);
    expect(timeOrderedUuid(at)).not.toBe(id);
    expect(randomIds.eventId()).toMatch(UUID_V7);
  });

  it('stay well formed and distinct across many ids, milliseconds and a refill of the random pool', () => {
    const at = 1_764_220_800_000;
    const ids = Array.from({ length: 5_000 }, (_, i) => timeOrderedUuid(at + Math.floor(i / 100)));
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 100; i < ids.length; i += 100) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(timeOrderedUuid(0).startsWith('00000000-0000-7')).toBe(true);
    expect(timeOrderedUuid(2 ** 48 - 1).startsWith('ffffffff-ffff-7')).toBe(true);
  });
});
