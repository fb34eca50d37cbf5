import { CorruptEvent } from './event-store.ts';
import type { RecordedEvent } from './recorded-event.ts';

/** A row as the drivers return it: PostgreSQL (Effect 3) hands BIGINT back as a string, SQLite as a number. */
export interface EventRow {
  readonly global_position: number | string;
  readonly stream_id: string;
  readonly stream_position: number | string;
  readonly event_id: string;
  readonly room: string;
  readonly type: string;
  readonly data: string;
  readonly recorded_at: number | string;
}

export const EVENT_COLUMNS = 'global_position, stream_id, stream_position, event_id, room, type, data, recorded_at';

export const EVENT_COLUMN_COUNT = 8;

/** Appends an event's values to a statement's parameters, in the order of EVENT_COLUMNS. */
export const pushEventValues = (params: Array<unknown>, event: RecordedEvent): void => {
  params.push(
    event.globalPosition,
    event.streamId,
    event.streamPosition,
    event.eventId,
    event.room,
    event.type,
    JSON.stringify(event.data),
    event.recordedAt,
  );
};

export const toRow = (event: RecordedEvent) => ({
  global_position: event.globalPosition,
  stream_id: event.streamId,
  stream_position: event.streamPosition,
  event_id: event.eventId,
  room: event.room,
  type: event.type,
  data: JSON.stringify(event.data),
  recorded_at: event.recordedAt,
});

export const sameContent = (row: EventRow, event: RecordedEvent): boolean => {
  const expected = toRow(event);
  return (
    Number(row.global_position) === expected.global_position &&
    row.stream_id === expected.stream_id &&
    Number(row.stream_position) === expected.stream_position &&
    row.room === expected.room &&
    row.type === expected.type &&
    row.data === expected.data &&
    Number(row.recorded_at) === expected.recorded_at
  );
};

const isEventData = (value: unknown): value is RecordedEvent['data'] =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';

/**
 * Rows to events in one plain loop: start-up decodes a million of them, and an Effect per row cost more
 * than the JSON.parse itself. Returns the first damaged row's error instead of throwing.
 */
export const decodeRows = (rows: ReadonlyArray<EventRow>): Array<RecordedEvent> | CorruptEvent => {
  const events = new Array<RecordedEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const globalPosition = Number(row.global_position);
    let data: unknown;
    try {
      data = JSON.parse(row.data);
    } catch {
      data = undefined;
    }
    if (!isEventData(data)) {
      return new CorruptEvent({ message: `event at global position ${globalPosition} has data that is not a JSON event object`, globalPosition });
    }
    events[i] = {
      globalPosition,
      streamId: row.stream_id,
      streamPosition: Number(row.stream_position),
      eventId: row.event_id,
      room: row.room,
      type: row.type,
      data,
      recordedAt: Number(row.recorded_at),
    };
  }
  return events;
};
