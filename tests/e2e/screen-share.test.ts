// Sharing the screen in headless Chromium against the real server (Chromium's fake screen is 1280×720,
// its fake camera 640×480, so the aspect ratio at the other side says which one arrives): the screen
// replaces the camera on the same feed and the camera comes back after; the camera switch concerns the
// camera only, so switching it off while sharing leaves the screen flowing and the camera comes back
// off; someone who arrives during a share gets the screen; and a person without a camera, or without any
// device, can share too, which adds a video track to a call that had none. A share the browser itself
// ends (its "Stop sharing" bar) puts the camera back as the page's own button does.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { eventually, expectMediaFlowing, feedOf, framesDecodedOver, framesShownFor, inboundStats } from './support/browser.ts';
import { useCallFixture } from './support/call-fixture.ts';

const CAMERA = 4 / 3;
const SCREEN = 16 / 9;

const call = useCallFixture();

/** Width over height of the video `viewer` shows for `name`. */
const aspectOf = (viewer: Page, name: string) =>
  feedOf(viewer, name)
    .locator('video')
    .evaluate((v: HTMLVideoElement) => v.videoWidth / v.videoHeight);

/** How many video tracks the stream in `viewer`'s feed of `name` has. */
const videoTracksIn = (viewer: Page, name: string) =>
  feedOf(viewer, name)
    .locator('video')
    .evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream | null)?.getVideoTracks().length ?? 0);

/** Whether `viewer`'s feed of `name` shows the placeholder with their initial instead of a picture. */
const initialShownFor = (viewer: Page, name: string) => feedOf(viewer, name).getByText(name.slice(0, 1), { exact: true }).isVisible();

/** The video track `page` sends on its first open connection (recorded by support/browser.ts's init script). */
const sentVideo = (page: Page) =>
  page.evaluate(() => {
    const pcs = (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections;
    const track = pcs.find((pc) => pc.connectionState !== 'closed')?.getSenders().find((s) => s.track?.kind === 'video')?.track;
    return track ? { enabled: track.enabled, width: track.getSettings().width ?? 0 } : null;
  });

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

  it("ends the share when the browser's own \"Stop sharing\" ends the screen's track, and the camera comes back", { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Share stopped by the browser');
    const eve = await call.enter(slug, 'Eve');
    const frank = await call.enter(slug, 'Frank');
    await expectMediaFlowing(frank, ['Eve']);
    await button(eve, 'Share screen').click();
    await eventually(async () => expect(await aspectOf(frank, 'Eve')).toBeCloseTo(SCREEN, 1));

    // What the browser's bar does (headless Chromium has none to press): the track ends and fires
    // "ended". A track stopped by the page itself fires no event, hence the dispatch.
    await feedOf(eve, 'Eve (you)')
      .locator('video')
      .evaluate((v: HTMLVideoElement) => {
        const [screen] = (v.srcObject as MediaStream).getVideoTracks();
        screen!.stop();
        screen!.dispatchEvent(new Event('ended'));
      });
    await button(eve, 'Share screen').waitFor();
    await eventually(async () => expect(await aspectOf(frank, 'Eve')).toBeCloseTo(CAMERA, 1));
    expect(await frank.getByRole('figure').count()).toBe(2);
    expect(await aspectOf(eve, 'Eve (you)')).toBeCloseTo(CAMERA, 1);
  });

  it('keeps the screen flowing when the camera is switched off meanwhile, and brings the camera back off', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Share with camera off');
    const eve = await call.enter(slug, 'Eve');
    const frank = await call.enter(slug, 'Frank');
    await expectMediaFlowing(frank, ['Eve']);

    await button(eve, 'Share screen').click();
    await eventually(async () => expect(await aspectOf(frank, 'Eve')).toBeCloseTo(SCREEN, 1));
    await button(eve, 'Turn camera off').click();
    await button(eve, 'Turn camera on').waitFor();
    // The switch is the camera's: the screen is still what Frank gets, frames and all.
    await eventually(async () => expect(await sentVideo(eve)).toEqual({ enabled: true, width: 1280 }));
    await expectMediaFlowing(frank, ['Eve']);
    expect(await aspectOf(frank, 'Eve')).toBeCloseTo(SCREEN, 1);

    await button(eve, 'Stop sharing screen').click();
    await button(eve, 'Share screen').waitFor();
    // The camera is sent again, still switched off as Eve left it: the button says so, and the track is disabled.
    await eventually(async () => expect(await sentVideo(eve)).toEqual({ enabled: false, width: 640 }));
    await expect(button(eve, 'Turn camera on').isVisible()).resolves.toBe(true);

    await button(eve, 'Turn camera on').click();
    await eventually(async () => expect(await sentVideo(eve)).toEqual({ enabled: true, width: 640 }));
    await eventually(async () => expect(await aspectOf(frank, 'Eve')).toBeCloseTo(CAMERA, 1));
    await expectMediaFlowing(frank, ['Eve']);
  });

  it('works for a person without a camera: the others get a video from them while they share', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Share without camera');
    const frank = await call.enter(slug, 'Frank');
    const eve = await call.enter(slug, 'Eve', {
      init: () => {
        const devices = navigator.mediaDevices;
        const open = devices.getUserMedia.bind(devices);
        devices.getUserMedia = (constraints) => open({ audio: Boolean(constraints?.audio) });
      },
    });
    await expect(button(eve, 'No camera').isDisabled()).resolves.toBe(true);
    await feedOf(frank, 'Eve').waitFor();
    await eventually(async () => expect((await inboundStats(frank)).filter((s) => s.audioBytes > 0)).toHaveLength(1));
    expect(await sentVideo(eve)).toBeNull();

    await button(eve, 'Share screen').click();
    await button(eve, 'Stop sharing screen').waitFor();
    // A video track is added to the connection (a renegotiation), and shown in Eve's feed with her sound.
    await expectMediaFlowing(frank, ['Eve']);
    expect(await aspectOf(frank, 'Eve')).toBeCloseTo(SCREEN, 1);
    expect(await frank.getByRole('figure').count()).toBe(2);
    await eventually(async () => expect(await initialShownFor(frank, 'Eve')).toBe(false)); // the picture, not her initial

    await button(eve, 'Stop sharing screen').click();
    await button(eve, 'Share screen').waitFor();
    await eventually(async () => expect(await sentVideo(eve)).toBeNull());
    // The track leaves Eve's feed (her initial shows again, not a frozen frame), and no frames arrive.
    await eventually(async () => expect(await videoTracksIn(frank, 'Eve')).toBe(0));
    await expect(initialShownFor(frank, 'Eve')).resolves.toBe(true);
    await eventually(async () => expect(await framesDecodedOver(frank, 1_000)).toBe(0));
    // Her sound still arrives.
    const audio = async () => (await inboundStats(frank)).reduce((n, s) => n + s.audioBytes, 0);
    const before = await audio();
    await eventually(async () => expect(await audio()).toBeGreaterThan(before + 1_000));

    // And she can share again.
    await button(eve, 'Share screen').click();
    await eventually(async () => expect(await videoTracksIn(frank, 'Eve')).toBe(1));
    await expectMediaFlowing(frank, ['Eve']);
    expect(await aspectOf(frank, 'Eve')).toBeCloseTo(SCREEN, 1);
    await eventually(async () => expect(await initialShownFor(frank, 'Eve')).toBe(false));
  });

  it('works for a person with neither camera nor microphone: their feed shows the screen, then their initial again', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Share without any device');
    const frank = await call.enter(slug, 'Frank');
    const gus = await call.enter(slug, 'Gus', { devicesRefused: true });
    await feedOf(frank, 'Gus').waitFor();
    await expect(initialShownFor(frank, 'Gus')).resolves.toBe(true);

    // Nothing was sent before: the screen is the connection's first track, added by a renegotiation.
    await button(gus, 'Share screen').click();
    await eventually(async () => expect(await initialShownFor(frank, 'Gus')).toBe(false));
    await eventually(async () => expect(await aspectOf(frank, 'Gus')).toBeCloseTo(SCREEN, 1));
    const shown = await framesShownFor(frank, 'Gus');
    await eventually(async () => expect(await framesShownFor(frank, 'Gus')).toBeGreaterThan(shown + 10));

    // Its only stream empties, and the feed goes back to the initial, still one feed for Gus.
    await button(gus, 'Stop sharing screen').click();
    await eventually(async () => expect(await initialShownFor(frank, 'Gus')).toBe(true));
    expect(await frank.getByRole('figure').count()).toBe(2);

    await button(gus, 'Share screen').click();
    await eventually(async () => expect(await initialShownFor(frank, 'Gus')).toBe(false));
    await eventually(async () => expect(await aspectOf(frank, 'Gus')).toBeCloseTo(SCREEN, 1));
  });

  it('shows the screen to someone who arrives while it is shared, and the camera after', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Arrive during a share');
    const eve = await call.enter(slug, 'Eve');
    await button(eve, 'Share screen').click();
    await button(eve, 'Stop sharing screen').waitFor();
    const frank = await call.enter(slug, 'Frank');
    await expectMediaFlowing(frank, ['Eve']);
    expect(await aspectOf(frank, 'Eve')).toBeCloseTo(SCREEN, 1);

    await button(eve, 'Stop sharing screen').click();
    await eventually(async () => expect(await aspectOf(frank, 'Eve')).toBeCloseTo(CAMERA, 1));
    await expectMediaFlowing(frank, ['Eve']);
  });
});
