import { describe, expect, it } from 'vitest';
import { EVENT_COLUMN_COUNT, EVENT_COLUMNS, pushEventValues, toRow } from './event-rows.ts';
import type { RecordedEvent } from './recorded-event.ts';

const event: RecordedEvent = {
  globalPosition: 7,
  streamId: 'client-x',
  streamPosition: 3,
  eventId: '0190a2b4-0000-7000-8000-000000000001',
  room: 'a',
  type: 'ChatPosted',
  data: { type: 'ChatPosted', text: 'hi', at: 1_700_000_000_000 },
  recordedAt: 1_700_000_000_000,
};

describe('pushEventValues', () => {
  it('appends the values toRow names, in the order of EVENT_COLUMNS', () => {
    const params: Array<unknown> = ['before'];
    pushEventValues(params, event);
    const row: Record<string, unknown> = toRow(event);
    const columns = EVENT_COLUMNS.split(', ');
    expect(columns).toHaveLength(EVENT_COLUMN_COUNT);
    expect(params).toEqual(['before', ...columns.map((column) => row[column])]);
  });
});
