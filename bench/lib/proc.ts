import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * What the kernel says about a process: CPU time (user + system, all threads) and resident memory.
 * CPU time is the figure least disturbed by other load on a shared machine: time spent waiting for a
 * core does not count.
 */
export interface ProcSample {
  /** user + system CPU time of every thread, in milliseconds (resolution: one clock tick, 10 ms at 100 Hz). */
  readonly cpuMs: number;
  readonly rssBytes: number;
}

const sysconf = (name: string, fallback: number): number => {
  try {
    const value = Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
};

let ticksPerSecond: number | undefined;
let pageBytes: number | undefined;

/** Parses /proc/<pid>/stat: fields after the command name, which is in parentheses and may hold spaces. */
export function parseStat(text: string, hz: number, page: number): ProcSample {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime 15, rss (pages) 24.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssPages = Number(fields[21]);
  if (![utime, stime, rssPages].every(Number.isFinite)) throw new Error(`unexpected /proc stat line: ${text.slice(0, 200)}`);
  return { cpuMs: ((utime + stime) * 1000) / hz, rssBytes: rssPages * page };
}

export function readProc(pid: number): ProcSample {
  ticksPerSecond ??= sysconf('CLK_TCK', 100);
  pageBytes ??= sysconf('PAGESIZE', 4096);
  return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), ticksPerSecond, pageBytes);
}

/** The difference between two samples: CPU spent and RSS grown. */
export const delta = (before: ProcSample, after: ProcSample) => ({
  cpuMs: after.cpuMs - before.cpuMs,
  rssBytes: after.rssBytes - before.rssBytes,
});
