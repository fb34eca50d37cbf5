/** Exact percentiles over raw samples (latencies in microseconds); a run holds at most a few million. */
export interface Summary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export const EMPTY: Summary = { count: 0, p50: NaN, p99: NaN, p999: NaN, max: NaN };

export function summarize(samples: Float64Array | readonly number[]): Summary {
  if (samples.length === 0) return EMPTY;
  const sorted = Float64Array.from(samples).sort();
  // Nearest-rank: the smallest value with at least p of the samples at or below it.
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: sorted[sorted.length - 1]! };
}

/** A growable Float64Array: samples arrive one by one and leave as one transferable buffer. */
export class Samples {
  private buffer = new Float64Array(4096);
  length = 0;

  constructor(private readonly cap = 4_000_000) {}

  push(value: number): void {
    if (this.length === this.buffer.length) {
      if (this.length >= this.cap) return;
      const next = new Float64Array(Math.min(this.cap, this.buffer.length * 2));
      next.set(this.buffer);
      this.buffer = next;
    }
    this.buffer[this.length++] = value;
  }

  take(): Float64Array {
    const out = this.buffer.slice(0, this.length);
    this.buffer = new Float64Array(4096);
    this.length = 0;
    return out;
  }
}

export function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
