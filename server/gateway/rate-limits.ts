import type { InboundType } from '../../protocol/index.ts';
import { TokenBucket } from './token-bucket.ts';

type Category = 'relay' | 'chat' | 'control' | 'ping';

const categoryOf: Record<InboundType, Category> = {
  offer: 'relay',
  answer: 'relay',
  icecandidate: 'relay',
  bye: 'relay',
  text: 'chat',
  profile: 'control',
  'get-room-info': 'control',
  'get-ice-servers': 'control',
  ping: 'ping',
  pong: 'ping',
  greeting: 'ping',
};

/**
 * Per-connection budgets. A join into a ten-person room makes about 9 offers and 90 candidates in a
 * second, hence the relay burst; chat follows Jitsi's few messages a second.
 */
const budgets: Record<Category, { rate: number; burst: number }> = {
  relay: { rate: 50, burst: 200 },
  chat: { rate: 5, burst: 10 },
  control: { rate: 2, burst: 10 },
  ping: { rate: 1, burst: 5 },
};

export class RateLimits {
  private readonly buckets: Record<Category, TokenBucket>;

  constructor(now: number) {
    this.buckets = {
      relay: new TokenBucket(budgets.relay.rate, budgets.relay.burst, now),
      chat: new TokenBucket(budgets.chat.rate, budgets.chat.burst, now),
      control: new TokenBucket(budgets.control.rate, budgets.control.burst, now),
      ping: new TokenBucket(budgets.ping.rate, budgets.ping.burst, now),
    };
  }

  /** The category that is over budget, or undefined if the message may pass. */
  check(type: InboundType, now: number): Category | undefined {
    const category = categoryOf[type];
    return this.buckets[category].take(now) ? undefined : category;
  }
}
