-- The same lean log as 0002_lean_log.sqlite.sql (see there for why). PostgreSQL keeps its BIGINT key:
-- its heap is not ordered by the key, and INTEGER would cap the log at 2^31 events.
ALTER TABLE events DROP CONSTRAINT events_stream_id_stream_position_key;
DROP INDEX events_room_global_position;

-- `previous` is the position before the last append's first event of the stream: carrying it in the
-- row lets one upsert check and move every head of a batch (ON CONFLICT ... WHERE streams.position <=
-- excluded.previous).
CREATE TABLE streams (
  stream_id TEXT NOT NULL PRIMARY KEY,
  previous BIGINT NOT NULL,
  position BIGINT NOT NULL
);
INSERT INTO streams (stream_id, previous, position)
  SELECT stream_id, MAX(stream_position) - 1, MAX(stream_position) FROM events GROUP BY stream_id;

CREATE TABLE snapshots (
  position BIGINT NOT NULL PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  data TEXT NOT NULL,
  written_at BIGINT NOT NULL
);
