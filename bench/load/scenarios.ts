/** The load scenarios, and the per-client rates that keep each inside the server's rate limits. */

/** The server's per-connection budgets (server/gateway/rate-limits.ts); the generator keeps under 90% of them. */
const RELAY_LIMIT = 50;
const CHAT_LIMIT = 5;
const HEADROOM = 0.9;

export interface Scenario {
  readonly key: string;
  readonly title: string;
  readonly rooms: number;
  readonly perRoom: number;
  /** Aggregate inbound messages per second. */
  readonly rate: number;
  /** Share of `text` broadcasts to the room; the rest are `icecandidate` relays to a random member. */
  readonly textFraction: number;
}

export const SCENARIOS: readonly Scenario[] = [
  { key: 'rooms100x4', title: '100 rooms x 4 people, 2,000 msg/s', rooms: 100, perRoom: 4, rate: 2000, textFraction: 0.1 },
  { key: 'rooms10x4', title: '10 rooms x 4 people, 1,000 msg/s', rooms: 10, perRoom: 4, rate: 1000, textFraction: 0.1 },
  { key: 'room1x50', title: 'one room of 50 (broadcast-heavy), 200 msg/s, 75% text', rooms: 1, perRoom: 50, rate: 200, textFraction: 0.75 },
];

export const clientsOf = (s: Pick<Scenario, 'rooms' | 'perRoom'>) => s.rooms * s.perRoom;

/** Per-client rates at an aggregate rate: each client must stay inside the server's budgets. */
export function perClient(s: Scenario, rate: number) {
  return { relay: (rate * (1 - s.textFraction)) / clientsOf(s), chat: (rate * s.textFraction) / clientsOf(s) };
}

/** The highest aggregate rate this scenario can send without any client passing 90% of a budget. */
export function rateCap(s: Scenario): number {
  const byRelay = s.textFraction < 1 ? (RELAY_LIMIT * HEADROOM * clientsOf(s)) / (1 - s.textFraction) : Infinity;
  const byChat = s.textFraction > 0 ? (CHAT_LIMIT * HEADROOM * clientsOf(s)) / s.textFraction : Infinity;
  return Math.floor(Math.min(byRelay, byChat));
}

export function budgetNote(s: Scenario, rate: number): string {
  const { relay, chat } = perClient(s, rate);
  return `each client sends ${relay.toFixed(2)} relays/s and ${chat.toFixed(2)} chat/s (server limits ${RELAY_LIMIT}/s and ${CHAT_LIMIT}/s per connection)`;
}
