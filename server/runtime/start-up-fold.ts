import type { RecordedEvent } from '../store/recorded-event.ts';
import type { StoredSnapshot } from '../store/snapshot-store.ts';
import type { Machines } from './machines.ts';
import { RoomFold, type ReplayProblem, type RoomReplay } from './replay.ts';
import { decodeRooms, encodeRooms, fingerprint } from './room-snapshot.ts';

/** What start-up reads and writes: the log a page at a time, and the newest snapshot. */
export interface LogSource {
  readonly lastPosition: number;
  readonly readPage: (after: number, limit: number) => Promise<readonly RecordedEvent[]>;
  readonly latestSnapshot: () => Promise<StoredSnapshot | undefined>;
  readonly saveSnapshot: (snapshot: StoredSnapshot) => Promise<void>;
}

export interface FoldedLog {
  readonly rooms: readonly RoomReplay[];
  /** Problems in the events read now (those before the snapshot were reported when they were read). */
  readonly problems: readonly ReplayProblem[];
  readonly replayed: number;
  readonly snapshotPosition: number;
  /** The last position folded (and the position of the snapshot saved, if one was). */
  readonly foldedTo: number;
  readonly snapshotRefused: string | undefined;
}

/** Events per read: large enough that a query's cost is spread thin, small enough to keep memory flat. */
const PAGE = 5_000;

/**
 * Every room's fold at the log's end: from the newest snapshot when these machines folded it, then the
 * log after it a page at a time, each event into its room's fold, so the log is never in memory at
 * once. Then saves a snapshot at the log's end, so the next start reads only what came after. A
 * snapshot is a cache: one that is missing, unreadable, folded by other machines or past the log's
 * end is ignored, and the whole log is replayed.
 */
export async function foldLog(machines: Machines, now: number, log: LogSource, pageSize = PAGE): Promise<FoldedLog> {
  const print = fingerprint(machines);
  const stored = await log.latestSnapshot();
  let folds = new Map<string, RoomFold>();
  let position = 0;
  let snapshotRefused: string | undefined;
  if (stored !== undefined) {
    if (stored.fingerprint !== print) snapshotRefused = 'it was folded by other machines or delays';
    else if (stored.position > log.lastPosition) snapshotRefused = `it is at position ${stored.position}, past the log's end (${log.lastPosition})`;
    else {
      try {
        for (const state of decodeRooms(machines, stored.data)) folds.set(state.slug, new RoomFold(machines, state.slug, state));
        position = stored.position;
      } catch (error) {
        folds = new Map();
        snapshotRefused = `it cannot be read: ${(error as Error).message}`;
      }
    }
  }
  const snapshotPosition = position;
  let replayed = 0;
  while (position < log.lastPosition) {
    const page = await log.readPage(position, pageSize);
    if (page.length === 0) break;
    for (const event of page) {
      let fold = folds.get(event.room);
      if (fold === undefined) folds.set(event.room, (fold = new RoomFold(machines, event.room)));
      fold.apply(event);
    }
    position = page[page.length - 1]!.globalPosition;
    replayed += page.length;
  }
  if (replayed > 0 || stored === undefined || snapshotRefused !== undefined) {
    await log.saveSnapshot({ position, fingerprint: print, data: encodeRooms(folds.values()), writtenAt: now });
  }
  const rooms = [...folds.values()].map((fold) => fold.result());
  return { rooms, problems: rooms.flatMap((room) => room.problems), replayed, snapshotPosition, foldedTo: position, snapshotRefused };
}
