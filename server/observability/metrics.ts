/**
 * Counters, gauges and histograms in the Prometheus text format. Small on purpose: a handful of
 * series, no dependency, and nothing on the hot path but a Map lookup and an addition.
 */
type Labels = Readonly<Record<string, string>>;

const key = (labels: Labels) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
    .join(',');

/** Label values remembered per label name; those in use are a small closed set (message types, error codes). */
const MAX_CACHED_KEYS = 256;

export class Counter {
  private readonly values = new Map<string, number>();
  /**
   * `type` → `pong` → `type="pong"`: counters are bumped for every frame in and out, and building the
   * key (even a cache key) was most of that.
   */
  private readonly singleLabelKeys = new Map<string, Map<string, string>>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const k = this.keyOf(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(this.keyOf(labels)) ?? 0;
  }

  private keyOf(labels: Labels): string {
    let only: string | undefined;
    for (const name in labels) {
      if (only !== undefined) return key(labels);
      only = name;
    }
    if (only === undefined) return '';
    const value = labels[only]!;
    let byValue = this.singleLabelKeys.get(only);
    if (byValue === undefined) this.singleLabelKeys.set(only, (byValue = new Map()));
    let k = byValue.get(value);
    if (k === undefined) {
      k = key(labels);
      if (byValue.size < MAX_CACHED_KEYS) byValue.set(value, k);
    }
    return k;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines;
  }
}

export class Gauge {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}

  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${this.read()}`];
  }
}

export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) this.counts[i]!++;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((bound, i) => lines.push(`${this.name}_bucket{le="${bound}"} ${this.counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines;
  }
}

/** Every series the server exposes, in one place so /metrics and its readers agree on names. */
export class Metrics {
  readonly messagesIn = new Counter('camus_messages_in_total', 'Protocol messages received, by type.');
  readonly messagesOut = new Counter('camus_messages_out_total', 'Protocol messages sent, by type.');
  readonly errors = new Counter('camus_errors_total', 'Error frames sent to clients, by reason.');
  readonly appendedEvents = new Counter('camus_event_log_appended_events_total', 'Events appended to the event log.');
  readonly batchSize = new Histogram('camus_event_log_batch_size', 'Events per append transaction.', [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
  readonly appendSeconds = new Histogram(
    'camus_event_log_append_seconds',
    'Time to commit one append transaction.',
    [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
  );
  startupReplaySeconds = 0;
  startupReplayedEvents = 0;
  private readonly gauges: Gauge[] = [];

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.push(new Gauge(name, help, read));
  }

  render(): string {
    const lines = [
      ...this.gauges.flatMap((g) => g.render()),
      ...this.messagesIn.render(),
      ...this.messagesOut.render(),
      ...this.errors.render(),
      ...this.appendedEvents.render(),
      ...this.batchSize.render(),
      ...this.appendSeconds.render(),
      ...new Gauge('camus_startup_replay_seconds', 'Time to rebuild every room from the log at start.', () => this.startupReplaySeconds).render(),
      ...new Gauge('camus_startup_replayed_events', 'Events replayed at start.', () => this.startupReplayedEvents).render(),
    ];
    return `${lines.join('\n')}\n`;
  }
}
