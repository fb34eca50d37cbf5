import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Effect, Layer, ManagedRuntime } from 'effect';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseLayer } from '../database.ts';
import { EventStore } from '../event-store.ts';
import type { RecordedEvent } from '../recorded-event.ts';
import { SqlEventStoreLive } from '../sql-event-store.ts';
import { WRITER_NICENESS } from './thread-priority.ts';
import { WorkerAppender, WriterError } from './worker-appender.ts';

const root = mkdtempSync(join(tmpdir(), 'camus-writer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const event = (globalPosition: number, fields: Partial<RecordedEvent> = {}): RecordedEvent => ({
  globalPosition,
  streamId: 'client-a',
  streamPosition: globalPosition,
  eventId: randomUUID(),
  room: 'a',
  type: 'MessageRelayed',
  data: { type: 'MessageRelayed', at: 1_700_000_000_000 + globalPosition, messageType: 'offer', to: 'b', bytes: 10, candidateType: null },
  recordedAt: 1_700_000_000_000 + globalPosition,
  ...fields,
});

/** The log as the main thread's own connection reads it. */
async function readBack(dataDir: string): Promise<readonly RecordedEvent[]> {
  const runtime = ManagedRuntime.make(Layer.provideMerge(SqlEventStoreLive, databaseLayer({ dataDir })));
  try {
    return await runtime.runPromise(Effect.flatMap(EventStore, (store) => store.readAll()));
  } finally {
    await runtime.dispose();
  }
}

describe('WorkerAppender (the SQLite writer thread)', () => {
  it('appends batches in order to the real SQLite file, each durable when it resolves', async () => {
    const dataDir = mkdtempSync(join(root, 'ok-'));
    const writer = await WorkerAppender.start(dataDir);
    const first = [event(1), event(2)];
    const second = [event(3)];
    await Promise.all([writer.append(first), writer.append(second)]);
    expect(await readBack(dataDir)).toEqual([...first, ...second]);
    await writer.close();
  });

  it("rejects a conflicting batch with the store's own error, and stores nothing of it", async () => {
    const dataDir = mkdtempSync(join(root, 'conflict-'));
    const writer = await WorkerAppender.start(dataDir);
    await writer.append([event(1)]);
    const clash = writer.append([event(2), event(3, { streamPosition: 1 })]);
    await expect(clash).rejects.toBeInstanceOf(WriterError);
    await expect(clash).rejects.toMatchObject({ tag: 'ConcurrencyError' });
    expect((await readBack(dataDir)).map((e) => e.globalPosition)).toEqual([1]);
    await writer.close();
  });

  it('fails to start with the database error when the log cannot be opened', async () => {
    const dataDir = join(root, 'not-a-directory');
    writeFileSync(dataDir, 'a file where the data directory should be');
    const started = WorkerAppender.start(dataDir);
    await expect(started).rejects.toMatchObject({ tag: 'StoreError' });
    await expect(started).rejects.toThrow(/cannot open database/);
  });

  it.runIf(existsSync('/proc/thread-self'))('runs its thread at the writer niceness, below the thread that relays', async () => {
    const niceness = () =>
      new Map(
        readdirSync('/proc/self/task').map((tid) => {
          const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
          return [tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])] as const;
        }),
      );
    const before = niceness();
    const writer = await WorkerAppender.start(mkdtempSync(join(root, 'nice-')));
    const started = [...niceness()].filter(([tid]) => !before.has(tid)).map(([, nice]) => nice);
    expect(started).toContain(WRITER_NICENESS);
    expect(niceness().get(String(process.pid))).toBe(before.get(String(process.pid)));
    await writer.close();
  });

  it('refuses appends once closed, instead of leaving them waiting forever', async () => {
    const writer = await WorkerAppender.start(mkdtempSync(join(root, 'closed-')));
    await writer.close();
    await expect(writer.append([event(1)])).rejects.toMatchObject({ tag: 'WriterExited' });
  });
});
