import { describe, expect, it } from 'vitest';
import { moveFeed, OWN_FEED, reconcileOrder, swapFeeds } from './feed-order.ts';

describe('feed order', () => {
  it('keeps the chosen order, drops who left and appends who came', () => {
    expect(reconcileOrder([], [OWN_FEED, 'b', 'c'])).toEqual([OWN_FEED, 'b', 'c']);
    expect(reconcileOrder(['c', OWN_FEED, 'b'], [OWN_FEED, 'b', 'c'])).toEqual(['c', OWN_FEED, 'b']);
    expect(reconcileOrder(['c', OWN_FEED, 'b'], [OWN_FEED, 'b', 'd'])).toEqual([OWN_FEED, 'b', 'd']);
  });

  it('swaps two feeds (drag and drop)', () => {
    expect(swapFeeds([OWN_FEED, 'b', 'c'], OWN_FEED, 'c')).toEqual(['c', 'b', OWN_FEED]);
    expect(swapFeeds([OWN_FEED, 'b', 'c'], 'b', 'b')).toEqual([OWN_FEED, 'b', 'c']);
    expect(swapFeeds([OWN_FEED, 'b'], 'x', 'b')).toEqual([OWN_FEED, 'b']);
  });

  it('moves a feed one place earlier or later, stopping at the ends (keyboard)', () => {
    expect(moveFeed(['a', 'b', 'c'], 'c', -1)).toEqual(['a', 'c', 'b']);
    expect(moveFeed(['a', 'b', 'c'], 'a', 1)).toEqual(['b', 'a', 'c']);
    expect(moveFeed(['a', 'b', 'c'], 'a', -1)).toEqual(['a', 'b', 'c']);
    expect(moveFeed(['a', 'b', 'c'], 'c', 1)).toEqual(['a', 'b', 'c']);
    expect(moveFeed(['a', 'b'], 'x', 1)).toEqual(['a', 'b']);
  });
});
