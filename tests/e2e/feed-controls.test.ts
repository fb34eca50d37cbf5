// The in-room controls on each feed and in the sidebar, in headless Chromium against the real server:
// picture-in-picture and fullscreen, switching a person's incoming video off and on (their sender
// really stops), ICE servers (the server's listed without credentials; your own added, validated,
// applied with setConfiguration, kept, removed), rearranging the feeds by drag and drop and by
// keyboard, and the per-feed volume and own camera resolution.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { REPO_ROOT } from '../support/server.ts';
import { configuredIceServers, enterFromPreJoin, eventually, feedOf, framesDecodedOver, inboundStats, outboundVideoBytes } from './support/browser.ts';
import { useCallFixture, type EnterOptions } from './support/call-fixture.ts';

const SCREENSHOTS = join(REPO_ROOT, 'test-results');
const TURN_SECRET = 'feed-controls-test-secret-0123456789';

// STUN and TURN are named (nothing listens there: host candidates connect), so the sidebar has a list to show.
const call = useCallFixture({
  database: 'sqlite',
  env: { STUN_HOST: '127.0.0.1', STUN_PORT: '3478', TURN_HOST: '127.0.0.1', TURN_PORT: '3478', TURN_STATIC_AUTH_SECRET: TURN_SECRET },
});
const enter = (slug: string, name: string, options?: EnterOptions) => call.enter(slug, name, options);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How much each of the page's connections sent in video over `ms`. */
async function videoSentOver(page: Page, ms: number): Promise<number[]> {
  const before = await outboundVideoBytes(page);
  await sleep(ms);
  const after = await outboundVideoBytes(page);
  return after.map((bytes, i) => bytes - (before[i] ?? 0));
}

/** Both pages receive each other's video. */
async function inCall(a: Page, b: Page): Promise<void> {
  await eventually(async () => {
    for (const page of [a, b]) expect((await inboundStats(page)).filter((s) => s.framesDecoded > 0)).toHaveLength(1);
  });
}

/** The stage's feeds, in the order shown. */
const feedOrder = (page: Page) =>
  page.getByRole('region', { name: 'Video' }).locator('figure').evaluateAll((figures) => figures.map((f) => f.getAttribute('aria-label')));

describe('picture-in-picture and fullscreen', () => {
  it('puts a feed in picture-in-picture and fullscreen and back; hides the buttons where the browser lacks the API', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'PiP and fullscreen');
    const alice = await enter(slug, 'Alice');
    // Bob's browser has neither API.
    const bob = await enter(slug, 'Bob', {
      init: () => {
        Object.defineProperty(Document.prototype, 'pictureInPictureEnabled', { get: () => false });
        Object.defineProperty(Document.prototype, 'fullscreenEnabled', { get: () => false });
      },
    });
    await inCall(alice, bob);

    const pip = alice.getByRole('button', { name: 'Picture-in-picture of Bob' });
    await pip.click();
    await eventually(async () => expect(await alice.evaluate(() => document.pictureInPictureElement?.closest('figure')?.getAttribute('aria-label'))).toBe('Bob'));
    // The button follows the browser's enter/leave events, which come after the element changes.
    await eventually(async () => expect(await pip.getAttribute('aria-pressed')).toBe('true'));
    await pip.click();
    await eventually(async () => expect(await alice.evaluate(() => document.pictureInPictureElement)).toBeNull());
    await eventually(async () => expect(await pip.getAttribute('aria-pressed')).toBe('false'));

    const full = alice.getByRole('button', { name: 'Fullscreen of Bob' });
    await full.focus();
    await alice.keyboard.press('Enter'); // keyboard operable
    await eventually(async () => expect(await alice.evaluate(() => document.fullscreenElement?.getAttribute('aria-label'))).toBe('Bob'));
    await eventually(async () => expect(await full.getAttribute('aria-pressed')).toBe('true'));
    await full.click();
    await eventually(async () => expect(await alice.evaluate(() => document.fullscreenElement)).toBeNull());

    // Own feed has them too; Bob's page shows neither button anywhere.
    await alice.getByRole('button', { name: 'Fullscreen of yourself' }).waitFor();
    expect(await bob.getByRole('button', { name: /Picture-in-picture|Fullscreen/ }).count()).toBe(0);
    await feedOf(bob, 'Alice').waitFor();
  });
});

describe("switching a person's incoming video off", () => {
  it("stops their video sender (bytes stop growing there) and shows it; switching it on resumes — also when both switch at once (glare)", { timeout: 90_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Incoming video off');
    const alice = await enter(slug, 'Alice');
    const bob = await enter(slug, 'Bob');
    await inCall(alice, bob);
    expect((await videoSentOver(bob, 1_500))[0]).toBeGreaterThan(10_000);

    await alice.getByRole('button', { name: 'Turn off video of Bob' }).click();
    await feedOf(alice, 'Bob').getByText('Video off (by you)').waitFor();
    await alice.getByRole('button', { name: 'Turn on video of Bob' }).waitFor();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await alice.screenshot({ path: join(SCREENSHOTS, 'feed-controls-video-off.png') });
    // Bob's sender stops: after the renegotiation, his outbound video bytes no longer grow …
    await eventually(async () => expect((await videoSentOver(bob, 1_000))[0]).toBe(0));
    expect(await bob.evaluate(() => (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections
      .flatMap((pc) => pc.getTransceivers()).filter((t) => t.receiver.track.kind === 'video' && t.currentDirection).map((t) => t.currentDirection))).toEqual(['recvonly']);
    // … while Alice's own video still reaches Bob, and Bob's audio still reaches Alice.
    expect(await framesDecodedOver(bob, 1_500)).toBeGreaterThan(10);
    const audioBefore = (await inboundStats(alice))[0]!.audioBytes;
    await sleep(1_000);
    expect((await inboundStats(alice))[0]!.audioBytes - audioBefore).toBeGreaterThan(1_000);

    await alice.getByRole('button', { name: 'Turn on video of Bob' }).click();
    await eventually(async () => expect((await videoSentOver(bob, 1_000))[0]).toBeGreaterThan(10_000));
    await eventually(async () => expect(await framesDecodedOver(alice, 1_000)).toBeGreaterThan(5));
    await feedOf(alice, 'Bob').getByText('Video off (by you)').waitFor({ state: 'detached' });
    expect(await feedOf(alice, 'Bob').locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);

    // Glare: both switch each other off at the same moment, then on again.
    const both = (label: (other: string) => string) =>
      Promise.all([
        alice.getByRole('button', { name: label('Bob') }).evaluate((b: HTMLButtonElement) => b.click()),
        bob.getByRole('button', { name: label('Alice') }).evaluate((b: HTMLButtonElement) => b.click()),
      ]);
    await both((other) => `Turn off video of ${other}`);
    await eventually(async () => {
      expect((await videoSentOver(alice, 1_000))[0]).toBe(0);
      expect((await videoSentOver(bob, 1_000))[0]).toBe(0);
    });
    await both((other) => `Turn on video of ${other}`);
    await eventually(async () => {
      expect((await videoSentOver(alice, 1_000))[0]).toBeGreaterThan(10_000);
      expect((await videoSentOver(bob, 1_000))[0]).toBeGreaterThan(10_000);
    });
    for (const page of [alice, bob]) expect(await framesDecodedOver(page, 1_500)).toBeGreaterThan(10);
  });
});

describe('ICE servers in the sidebar', () => {
  it("lists the server's without credentials; adds, validates, applies, keeps and removes your own", { timeout: 90_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'ICE servers');
    const alice = await enter(slug, 'Alice');
    const bob = await enter(slug, 'Bob');
    await inCall(alice, bob);
    const list = alice.getByRole('list', { name: 'ICE servers in use' });
    await eventually(async () => {
      const text = await list.innerText();
      expect(text).toContain('STUN stun:127.0.0.1:3478');
      expect(text).toContain('TURN turn:127.0.0.1:3478');
    });
    // The TURN credentials the connection really has are nowhere on the page.
    const [config] = await configuredIceServers(alice);
    const serverTurn = config!.find((s) => s.urls[0]!.startsWith('turn:'))!;
    expect(serverTurn.hasCredential).toBe(true);
    const credential = await alice.evaluate(() =>
      (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections.at(-1)!.getConfiguration().iceServers!.find((s) => s.credential)!.credential as string);
    const pageText = await alice.locator('body').innerText();
    expect(pageText).not.toContain(credential);
    expect(pageText).not.toContain(serverTurn.username!);

    await alice.getByText('Add your own STUN or TURN server').click();
    const url = alice.getByLabel('Server URL');
    const add = alice.getByRole('button', { name: 'Add server' });
    await url.fill('turn.example.org:3478');
    await add.click();
    await alice.getByRole('alert').getByText('The URL must start with stun:, stuns:, turn: or turns:', { exact: false }).waitFor();
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    await url.fill('turn:127.0.0.1:3479');
    await add.click();
    await alice.getByRole('alert').getByText('A TURN server needs a username and a credential.').waitFor();
    await alice.getByLabel('Username (TURN)').fill('me');
    await alice.getByLabel('Credential (TURN)').fill('my-secret-credential');
    await url.press('Enter');
    await list.getByText('turn:127.0.0.1:3479').waitFor();
    expect(await alice.getByRole('alert').count()).toBe(0);
    expect(await alice.locator('body').innerText()).not.toContain('my-secret-credential');

    // Applied to the existing connection with setConfiguration …
    const own = { urls: ['turn:127.0.0.1:3479'], username: 'me', hasCredential: true };
    await eventually(async () => expect((await configuredIceServers(alice))[0]).toContainEqual(own));
    // … used for a new one (Carol comes in), and kept across a reload.
    const carol = await enter(slug, 'Carol');
    await feedOf(carol, 'Alice').waitFor();
    await eventually(async () => {
      const configs = await configuredIceServers(alice);
      expect(configs).toHaveLength(2);
      for (const c of configs) expect(c).toContainEqual(own);
    });
    await alice.reload();
    await enterFromPreJoin(alice, 'Alice');
    await list.getByText('turn:127.0.0.1:3479').waitFor();
    await eventually(async () => {
      const configs = await configuredIceServers(alice);
      expect(configs.length).toBeGreaterThan(0);
      for (const c of configs) expect(c).toContainEqual(own);
    });

    await alice.getByRole('button', { name: 'Remove turn:127.0.0.1:3479' }).click();
    await list.getByText('turn:127.0.0.1:3479').waitFor({ state: 'detached' });
    await eventually(async () => {
      for (const c of await configuredIceServers(alice)) expect(c.map((s) => s.urls[0])).not.toContain('turn:127.0.0.1:3479');
    });
    expect(await alice.evaluate(() => localStorage.getItem('camus.ownIceServers'))).toBe('[]');
  });
});

describe('rearranging the feeds', () => {
  it('swaps two feeds by drag and drop, and moves them with the keyboard', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Rearrange');
    const alice = await enter(slug, 'Alice');
    const bob = await enter(slug, 'Bob');
    await enter(slug, 'Carol');
    await eventually(async () => expect(await feedOrder(alice)).toEqual(['Alice (you)', 'Bob', 'Carol']));

    await feedOf(alice, 'Carol').dragTo(feedOf(alice, 'Alice (you)'));
    await eventually(async () => expect(await feedOrder(alice)).toEqual(['Carol', 'Bob', 'Alice (you)']));
    expect(await feedOrder(bob)).toEqual(['Bob (you)', 'Alice', 'Carol']); // only for Alice

    const later = alice.getByRole('button', { name: 'Move Carol later' });
    await later.focus();
    await alice.keyboard.press('Enter');
    await eventually(async () => expect(await feedOrder(alice)).toEqual(['Bob', 'Carol', 'Alice (you)']));
    // The focus stays with Carol's buttons, so pressing again keeps moving her.
    expect(await alice.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move Carol later');
    await alice.keyboard.press('Enter');
    await eventually(async () => expect(await feedOrder(alice)).toEqual(['Bob', 'Alice (you)', 'Carol']));
    // At the end "later" is disabled and the focus moved to "earlier".
    expect(await later.isDisabled()).toBe(true);
    expect(await alice.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move Carol earlier');
    await alice.getByText('Carol moved to place 3 of 3.').waitFor();

    mkdirSync(SCREENSHOTS, { recursive: true });
    await alice.screenshot({ path: join(SCREENSHOTS, 'feed-controls-desktop.png') });
    await alice.setViewportSize({ width: 390, height: 844 });
    await alice.waitForTimeout(300);
    await alice.screenshot({ path: join(SCREENSHOTS, 'feed-controls-phone.png'), fullPage: true });
  });
});

describe('per-feed volume and own camera resolution', () => {
  it("sets a person's volume and mute on their video only, and changes the resolution the others receive", { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Volume and resolution');
    const alice = await enter(slug, 'Alice');
    // Bob enters with his microphone only: pages of one browser share the fake camera, and a camera
    // someone else holds open stays at the size it was opened with (measured: 720p gave 640×480).
    const bob = await enter(slug, 'Bob', {
      init: () => {
        const devices = navigator.mediaDevices;
        const open = devices.getUserMedia.bind(devices);
        devices.getUserMedia = (constraints) => open({ audio: Boolean(constraints?.audio) });
      },
    });
    await eventually(async () => expect((await inboundStats(bob)).filter((s) => s.framesDecoded > 0)).toHaveLength(1));
    await eventually(async () => expect((await inboundStats(alice)).filter((s) => s.audioBytes > 0)).toHaveLength(1));
    const bobsVideo = feedOf(alice, 'Bob').locator('video');

    await alice.getByLabel('Volume of Bob').fill('0.3');
    expect(await bobsVideo.evaluate((v: HTMLVideoElement) => v.volume)).toBeCloseTo(0.3, 2);
    await alice.getByRole('button', { name: 'Mute Bob' }).click();
    expect(await bobsVideo.evaluate((v: HTMLVideoElement) => v.muted)).toBe(true);
    expect(await alice.getByLabel('Volume of Bob').isDisabled()).toBe(true);
    await alice.getByRole('button', { name: 'Unmute Bob' }).click();
    expect(await bobsVideo.evaluate((v: HTMLVideoElement) => v.muted)).toBe(false);

    const width = () => feedOf(bob, 'Alice').locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth);
    // What the camera captures (the own tile), and what Bob receives: the encoder may scale that down
    // further on a busy machine, so Bob's width is checked as "at most" / "more than".
    const own = () => alice.evaluate(() => (document.querySelector('figure[data-own] video') as HTMLVideoElement).videoWidth);
    const resolution = alice.getByLabel('Camera resolution');
    expect(await resolution.inputValue()).toBe('480p');
    expect(await own()).toBe(640);
    await resolution.selectOption('240p');
    await eventually(async () => expect(await own()).toBe(320));
    await eventually(async () => expect(await width()).toBeLessThanOrEqual(320));
    await resolution.selectOption('720p');
    await eventually(async () => expect(await own()).toBe(1280));
    await eventually(async () => expect(await width()).toBeGreaterThan(320), 20_000);
    expect(await resolution.inputValue()).toBe('720p');
    expect(await alice.getByRole('alert').count()).toBe(0);
  });
});
