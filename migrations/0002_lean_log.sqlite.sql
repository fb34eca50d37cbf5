-- A leaner log (issue 5). With WAL and synchronous=FULL a commit writes every page it dirtied; an index
-- keyed by room or stream dirties about one page per row (a batch spans many rooms and streams), which
-- held a bare INSERT to ~26 k events/s. What is left here only ever grows at its end:
--  * global_position becomes INTEGER PRIMARY KEY, SQLite's rowid: the table is the position index.
--  * event_id stays UNIQUE (a retry must not store a fact twice); ids are now time-ordered (UUIDv7).
--  * UNIQUE(stream_id, stream_position) moves to `streams`, one row per stream holding its head:
--    the store moves a head only forward, past positions no one holds yet (optimistic concurrency).
--    A second writer also collides on global_position, which every writer takes from the log's end.
--  * the (room, global_position) index goes: readRoom scans by position (debugging and replay only;
--    start-up pages through the log in order).
-- SQLite cannot change a primary key in place, so the table is copied.
CREATE TABLE events_lean (
  global_position INTEGER PRIMARY KEY,
  stream_id TEXT NOT NULL,
  stream_position INTEGER NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  room TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  recorded_at BIGINT NOT NULL
);
INSERT INTO events_lean (global_position, stream_id, stream_position, event_id, room, type, data, recorded_at)
  SELECT global_position, stream_id, stream_position, event_id, room, type, data, recorded_at FROM events ORDER BY global_position;
DROP TABLE events;
ALTER TABLE events_lean RENAME TO events;

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

-- Folded state of every room up to `position`: a cache that makes start-up independent of the log's
-- length. The log stays the truth; a snapshot whose fingerprint (machines and delays) differs is ignored.
CREATE TABLE snapshots (
  position BIGINT NOT NULL PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  data TEXT NOT NULL,
  written_at BIGINT NOT NULL
);
