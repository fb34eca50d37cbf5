/**
 * Reconnect policy, after LiveKit's DefaultReconnectPolicy (reliability.md RC1): up to 10 tries;
 * the first waits a random 0–1 s, the next ones 3 s, 5 s, then 7 s each, every one of them with
 * ±50% jitter.
 */
export const MAX_RECONNECT_TRIES = 10;
const FIRST_TRY_MAX_MS = 1_000;
const LATER_TRIES_MS = [3_000, 5_000, 7_000] as const;
const JITTER = 0.5;

/**
 * The wait before reconnect try `tryNumber` (1-based). `random` returns a number in [0, 1), like
 * Math.random; it is passed in so tests can pin it.
 * - try 1: [0, 1000) ms
 * - try n ≥ 2: base × [0.5, 1.5) with base 3000, 5000, 7000, 7000, …
 */
export function reconnectDelay(tryNumber: number, random: () => number): number {
  const r = Math.min(Math.max(random(), 0), 1);
  if (tryNumber <= 1) return Math.round(r * FIRST_TRY_MAX_MS);
  const base = LATER_TRIES_MS[Math.min(tryNumber - 2, LATER_TRIES_MS.length - 1)]!;
  return Math.round(base * (1 - JITTER + 2 * JITTER * r));
}
