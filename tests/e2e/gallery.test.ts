// The call's gallery in headless Chromium against the real server: beside the sidebar, the feeds are
// sized to fill the stage with nobody below the fold, and follow the window when it is resized; on a
// phone the page scrolls instead, two feeds a row.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { eventually } from './support/browser.ts';
import { useCallFixture } from './support/call-fixture.ts';

const call = useCallFixture();

interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly bottom: number;
}

/** The stage's visible box and whether it scrolls, and every feed's box, in page pixels. */
const measure = (page: Page) =>
  page.evaluate(() => {
    const box = (element: Element) => {
      const r = element.getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, bottom: r.bottom };
    };
    const stage = document.querySelector('section[aria-label="Video"]')!;
    return {
      stage: box(stage),
      scrolls: stage.scrollHeight > stage.clientHeight + 1,
      pageScrolls: document.documentElement.scrollHeight > innerHeight + 1,
      feeds: [...stage.querySelectorAll('figure')].map(box),
    };
  });

/** Every feed wholly inside the stage, and neither the stage nor the page scrolling. */
function expectAllInView(layout: Awaited<ReturnType<typeof measure>>, count: number): void {
  expect(layout.feeds).toHaveLength(count);
  expect(layout.scrolls, 'the stage scrolls').toBe(false);
  expect(layout.pageScrolls, 'the page scrolls').toBe(false);
  for (const feed of layout.feeds) {
    expect(feed.top).toBeGreaterThanOrEqual(layout.stage.top - 1);
    expect(feed.bottom).toBeLessThanOrEqual(layout.stage.bottom + 1);
  }
}

const rows = (feeds: readonly Box[]) => new Set(feeds.map((f) => Math.round(f.top))).size;

describe('the gallery', () => {
  it('gives one person the whole stage, puts two side by side, and fits three without scrolling', { timeout: 90_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Gallery');
    const viewport = { width: 1280, height: 800 };
    const ada = await call.enter(slug, 'Ada', { viewport });

    await eventually(async () => {
      const alone = await measure(ada);
      expectAllInView(alone, 1);
      // The old fixed grid left a lone feed at 18rem; now it is as large as the stage allows.
      expect(alone.feeds[0]!.width).toBeGreaterThan(alone.stage.width * 0.6);
    });

    await call.enter(slug, 'Grace', { viewport });
    await eventually(async () => {
      const two = await measure(ada);
      expectAllInView(two, 2);
      expect(rows(two.feeds)).toBe(1);
      for (const feed of two.feeds) expect(feed.width).toBeGreaterThan(two.stage.width * 0.45);
    });

    await call.enter(slug, 'Linus', { viewport });
    await eventually(async () => expectAllInView(await measure(ada), 3));
    const wide = await measure(ada);

    // A shorter window: the feeds shrink to keep everyone in view.
    await ada.setViewportSize({ width: 1280, height: 600 });
    await eventually(async () => {
      const short = await measure(ada);
      expectAllInView(short, 3);
      expect(short.feeds[0]!.width).toBeLessThan(wide.feeds[0]!.width);
    });
  });

  it('on a phone, lays the feeds out two a row and lets the page scroll', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Gallery phone');
    const viewport = { width: 390, height: 844 };
    const ada = await call.enter(slug, 'Ada', { viewport });
    await call.enter(slug, 'Grace', { viewport });
    await call.enter(slug, 'Linus', { viewport });
    await eventually(async () => {
      const phone = await measure(ada);
      expect(phone.feeds).toHaveLength(3);
      expect(phone.scrolls).toBe(false);
      expect(rows(phone.feeds)).toBe(2);
      for (const feed of phone.feeds) expect(feed.width).toBeGreaterThan(phone.stage.width * 0.45);
    });
  });
});
