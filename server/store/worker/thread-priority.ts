import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * How much the writer thread yields to the relaying thread (a nice value; 0 is normal, 19 the lowest).
 * Commits are batched and no relay waits for one, but on a small machine the writer's bursts took the
 * core the main thread needed, and relays queued behind a commit they do not depend on.
 */
export const WRITER_NICENESS = 10;

/**
 * Lowers the calling thread's scheduling priority. Linux only (a thread is a task with its own id,
 * which setpriority accepts); elsewhere, or if the system refuses, the thread keeps its priority and
 * false says so. Raising niceness needs no privilege.
 */
export function lowerThisThreadPriority(niceness: number): boolean {
  try {
    const tid = Number(/\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1]);
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
