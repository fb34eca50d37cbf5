// Sharing the screen in headless Chromium against the real server (Chromium's fake screen is 1280×720,
// its fake camera 640×480, so the aspect ratio at the other side says which one arrives): the screen
// replaces the camera on the same feed, and the camera comes back after.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/protocol-client.ts';
import { eventually, expectMediaFlowing, feedOf } from './support/browser.ts';
import { useCallFixture } from './support/call-fixture.ts';

const CAMERA = 4 / 3;
const SCREEN = 16 / 9;

const call = useCallFixture();

/** Width over height of the video `viewer` shows for `name`. */
const aspectOf = (viewer: Page, name: string) =>
  feedOf(viewer, name)
    .locator('video')
    .evaluate((v: HTMLVideoElement) => v.videoWidth / v.videoHeight);

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

describe('sharing the screen', () => {
  it('swaps the camera for the screen on the other side, and back', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Screen share');
    const eve = await call.enter(slug, 'Eve');
    const frank = await call.enter(slug, 'Frank');
    await expectMediaFlowing(frank, ['Eve']);
    expect(await aspectOf(frank, 'Eve')).toBeCloseTo(CAMERA, 1);

    await button(eve, 'Share screen').click();
    await button(eve, 'Stop sharing screen').waitFor();
    await eventually(async () => expect(await aspectOf(frank, 'Eve')).toBeCloseTo(SCREEN, 1));
    expect(await frank.getByRole('figure').count()).toBe(2); // the same feed, not a new one
    await expectMediaFlowing(frank, ['Eve']);

    await button(eve, 'Stop sharing screen').click();
    await eventually(async () => expect(await aspectOf(frank, 'Eve')).toBeCloseTo(CAMERA, 1));
  });
});
