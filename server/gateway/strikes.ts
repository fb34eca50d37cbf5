/** Counts events in a sliding window; `add` says whether the count is now over the limit. */
export class Strikes {
  private times: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  add(now: number): boolean {
    this.times = this.times.filter((t) => now - t < this.windowMs);
    this.times.push(now);
    return this.times.length > this.limit;
  }
}
