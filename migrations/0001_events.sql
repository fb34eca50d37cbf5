-- The event log. One file serves SQLite and PostgreSQL 15, so it sticks to types both spell the same way;
-- `data` stays TEXT (not JSONB) so both dialects hand back the exact JSON that was written.
-- Positions are assigned by the single writer; the constraints turn a second writer (or a retry with
-- different content) into an error instead of a forked history.
-- NOT NULL on the key because SQLite, for historical reasons, lets a non-INTEGER primary key hold NULL.
CREATE TABLE events (
  global_position BIGINT NOT NULL PRIMARY KEY,
  stream_id TEXT NOT NULL,
  stream_position INTEGER NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  room TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  recorded_at BIGINT NOT NULL,
  UNIQUE (stream_id, stream_position)
);

-- readRoom: one room's streams in global order.
CREATE INDEX events_room_global_position ON events (room, global_position);
