import * as SqlClient from '@effect/sql/SqlClient';
import type { SqlError } from '@effect/sql/SqlError';
import { Context, Effect, Layer } from 'effect';
import { StoreError } from './event-store.ts';
import { reasonOf } from './sql-failure.ts';

/** Folded state up to `position`, as text the runtime wrote; the store neither reads nor checks it. */
export interface StoredSnapshot {
  readonly position: number;
  /** Identifies the machines (and delays) that folded it: another fingerprint means replay instead. */
  readonly fingerprint: string;
  readonly data: string;
  readonly writtenAt: number;
}

export interface SnapshotStoreShape {
  /** The newest snapshot, if any. */
  readonly latest: Effect.Effect<StoredSnapshot | undefined, StoreError>;
  /** Keeps `snapshot` and forgets older ones: a snapshot is a cache, and only the newest is read. */
  readonly save: (snapshot: StoredSnapshot) => Effect.Effect<void, StoreError>;
}

export class SnapshotStore extends Context.Tag('SnapshotStore')<SnapshotStore, SnapshotStoreShape>() {}

const failed = (operation: string) => (error: SqlError) =>
  new StoreError({ message: `snapshot store ${operation} failed: ${reasonOf(error)}`, cause: error });

export const SqlSnapshotStoreLive: Layer.Layer<SnapshotStore, never, SqlClient.SqlClient> = Layer.effect(
  SnapshotStore,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient;

    const latest = sql<{ position: number | string; fingerprint: string; data: string; written_at: number | string }>`
      SELECT position, fingerprint, data, written_at FROM snapshots ORDER BY position DESC LIMIT 1`.pipe(
      Effect.map(([row]) =>
        row === undefined
          ? undefined
          : { position: Number(row.position), fingerprint: row.fingerprint, data: row.data, writtenAt: Number(row.written_at) },
      ),
      Effect.mapError(failed('latest')),
    );

    const save = (snapshot: StoredSnapshot) =>
      sql
        .withTransaction(
          Effect.zipRight(
            sql`INSERT INTO snapshots ${sql.insert({ position: snapshot.position, fingerprint: snapshot.fingerprint, data: snapshot.data, written_at: snapshot.writtenAt })}
              ON CONFLICT (position) DO UPDATE SET fingerprint = excluded.fingerprint, data = excluded.data, written_at = excluded.written_at`,
            sql`DELETE FROM snapshots WHERE position <> ${snapshot.position}`,
          ),
        )
        .pipe(Effect.asVoid, Effect.mapError(failed('save')));

    return SnapshotStore.of({ latest, save });
  }),
);
