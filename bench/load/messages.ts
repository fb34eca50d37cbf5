/** Requests between the bench, the generator process and its worker threads. */

export interface PhaseSpec {
  readonly id: number;
  /** Aggregate messages per second this worker sends. */
  readonly rate: number;
  readonly durationMs: number;
}

export interface LoadRequest {
  /** Which server's clients send (the generator may hold clients of several servers at once). */
  readonly target: string;
  /** process.hrtime in microseconds at which the first phase begins; shared by every worker. */
  readonly startAt: number;
  readonly phases: readonly PhaseSpec[];
  /** Share of messages that are `text` broadcasts to the room; the rest are direct `icecandidate` relays. */
  readonly textFraction: number;
}

export interface PhaseCounts {
  readonly sent: number;
  readonly relays: number;
  readonly broadcasts: number;
  /** Deliveries the server owes: 1 per relay, the room's size per broadcast (the sender gets its echo). */
  readonly expected: number;
  readonly received: number;
  /** Sends that were due but found the client's socket closed. */
  readonly skipped: number;
  /** Largest lag of the send loop behind its schedule, µs. */
  readonly maxLagMicros: number;
}

export interface PhaseResult extends PhaseCounts {
  /** One-way latencies at the receivers, µs. */
  readonly latencies: Float64Array;
}

export interface AdmitResult {
  readonly admitted: number;
  readonly failed: number;
  /** The first few failures' reasons. */
  readonly failures: readonly string[];
  /** From the admission request to the first pong, ms. */
  readonly joinMs: Float64Array;
}

export interface WorkerStatus {
  readonly clients: number;
  readonly open: number;
  readonly errorFrames: Readonly<Record<string, number>>;
  readonly closes: Readonly<Record<string, number>>;
}

export type WorkerRequest =
  | { readonly cmd: 'admit'; readonly target: string; readonly baseUrl: string; readonly slugs: readonly string[]; readonly perRoom: number; readonly concurrency: number }
  | { readonly cmd: 'join'; readonly target: string; readonly baseUrl: string; readonly joins: readonly { readonly slug: string; readonly at: number }[] }
  | { readonly cmd: 'load'; readonly request: LoadRequest }
  | { readonly cmd: 'counts'; readonly phase: number }
  | { readonly cmd: 'collect'; readonly phase: number }
  | { readonly cmd: 'status'; readonly target: string }
  | { readonly cmd: 'closeAll' };

export const nowMicros = (): number => Number(process.hrtime.bigint() / 1000n);
