import { describe, expect, it } from 'vitest';
import { rosterNotices } from './roster-notices.ts';

const roster = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('room notices', () => {
  it('says who joined, who left and who took another name', () => {
    const before = roster({ me: 'Ada', b: 'Bob', c: 'Carol' });
    const after = roster({ me: 'Ada', b: 'Bobby', d: 'Dave' });
    expect(rosterNotices(before, after, 'me')).toEqual(['Bob is now Bobby', 'Dave joined', 'Carol left']);
  });

  it('announces someone under the name their page gives, not under the default they connect with', () => {
    const connected = roster({ me: 'Ada', b: 'Major Tom' });
    expect(rosterNotices(roster({ me: 'Ada' }), connected, 'me')).toEqual([]);
    expect(rosterNotices(connected, roster({ me: 'Ada', b: 'Bob' }), 'me')).toEqual(['Bob joined']);
    expect(rosterNotices(connected, roster({ me: 'Ada' }), 'me')).toEqual([]);
  });

  it('says nothing of oneself, nor when nothing changed', () => {
    expect(rosterNotices(roster({ b: 'Bob' }), roster({ me: 'Ada', b: 'Bob' }), 'me')).toEqual([]);
    expect(rosterNotices(roster({ me: 'Ada' }), roster({ me: 'Ada Lovelace' }), 'me')).toEqual([]);
    expect(rosterNotices(roster({ me: 'Ada' }), roster({}), 'me')).toEqual([]);
  });
});
