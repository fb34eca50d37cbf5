/**
 * The order of the feeds on the stage, as a list of keys ('self' and peer ids). The person can swap
 * two feeds (drag one onto another, as the original did) or move one a place earlier or later (the
 * keyboard way). Pure: the stage keeps the list and reconciles it with who is here.
 */
export const OWN_FEED = 'self';

/** `order` with the feeds that are gone removed and new ones appended, in the order `present` lists them. */
export function reconcileOrder(order: readonly string[], present: readonly string[]): string[] {
  const here = new Set(present);
  const kept = order.filter((key) => here.has(key));
  const known = new Set(kept);
  return [...kept, ...present.filter((key) => !known.has(key))];
}

/** The two feeds trade places; unknown keys change nothing. */
export function swapFeeds(order: readonly string[], a: string, b: string): string[] {
  const i = order.indexOf(a);
  const j = order.indexOf(b);
  const next = [...order];
  if (i < 0 || j < 0 || i === j) return next;
  [next[i], next[j]] = [next[j]!, next[i]!];
  return next;
}

/** Moves a feed `by` places (−1 earlier, +1 later), stopping at either end. */
export function moveFeed(order: readonly string[], key: string, by: number): string[] {
  const from = order.indexOf(key);
  const next = [...order];
  if (from < 0) return next;
  const to = Math.min(Math.max(from + by, 0), order.length - 1);
  next.splice(from, 1);
  next.splice(to, 0, key);
  return next;
}
