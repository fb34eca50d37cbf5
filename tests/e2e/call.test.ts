// Real calls in headless Chromium against the real server: two and three people enter a room
// through the page, see and hear each other (decoded frames and audio bytes rising in getStats()),
// chat, rename and leave. Peer connections are read through a test-only init script that records
// every RTCPeerConnection the page creates (support/browser.ts); the app exposes nothing for tests.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRoom } from '../support/protocol-client.ts';
import { REPO_ROOT, killLeftovers, startServer, type RunningServer } from '../support/server.ts';
import { eventually, inboundStats, launchCallBrowser, openPerson } from './support/browser.ts';

const SCREENSHOTS = join(REPO_ROOT, 'test-results');

let server: RunningServer;
let browser: Browser;
let contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ database: 'sqlite' }), launchCallBrowser()]);
});

afterEach(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  contexts = [];
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await killLeftovers();
});

async function enter(slug: string, name: string, viewport?: { width: number; height: number }): Promise<Page> {
  const { context, page } = await openPerson(browser, viewport);
  contexts.push(context);
  await page.goto(`${server.baseUrl}/room/${slug}`);
  await page.getByText('Camera and microphone ready.').waitFor();
  await page.getByLabel('Nickname').fill(name);
  await page.getByRole('button', { name: 'Enter room' }).click();
  await page.getByRole('toolbar', { name: 'Call controls' }).waitFor();
  return page;
}

const tile = (page: Page, name: string) => page.getByRole('figure', { name, exact: true });
const framesShown = (page: Page, name: string) =>
  tile(page, name).locator('video').evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);

/** `page` receives video and audio from `others` peers, decoding frames and bytes that keep rising. */
async function expectMediaFlowing(page: Page, others: readonly string[]): Promise<void> {
  await eventually(async () => {
    const stats = await inboundStats(page);
    expect(stats.filter((s) => s.videoStreams > 0 && s.framesDecoded > 0 && s.audioBytes > 0)).toHaveLength(others.length);
  });
  const before = await inboundStats(page);
  const shownBefore = await Promise.all(others.map((name) => framesShown(page, name)));
  await new Promise((r) => setTimeout(r, 2_000));
  const after = await inboundStats(page);
  const shownAfter = await Promise.all(others.map((name) => framesShown(page, name)));
  expect(after).toHaveLength(others.length);
  after.forEach((s, i) => {
    expect(s.framesDecoded - before[i]!.framesDecoded, `frames decoded on connection ${i}`).toBeGreaterThan(10);
    expect(s.audioBytes - before[i]!.audioBytes, `audio bytes on connection ${i}`).toBeGreaterThan(1_000);
  });
  // The frames reach the <video> labelled with each person's name.
  others.forEach((name, i) => expect(shownAfter[i]! - shownBefore[i]!, `frames shown for ${name}`).toBeGreaterThan(10));
}

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
}

describe('a call in the room page', () => {
  it('two people see and hear each other, chat, rename and leave', { timeout: 90_000 }, async () => {
    const slug = await createRoom(server.baseUrl, 'Two-person call');
    const alice = await enter(slug, 'Alice');
    const bob = await enter(slug, 'Bob');

    await Promise.all([tile(alice, 'Bob').waitFor(), tile(bob, 'Alice').waitFor()]);
    await Promise.all([expectMediaFlowing(alice, ['Bob']), expectMediaFlowing(bob, ['Alice'])]);
    await expect(alice.getByText('connected', { exact: true }).first().isVisible()).resolves.toBe(true);

    await say(alice, 'Hello from Alice');
    await say(bob, 'Hi Alice, Bob here');
    for (const page of [alice, bob]) {
      await eventually(async () => {
        const log = await messages(page).innerText();
        expect(log).toMatch(/Alice[\s\S]*Hello from Alice[\s\S]*Bob[\s\S]*Hi Alice, Bob here/);
      });
    }
    // Own messages come from the server's echo, once.
    expect(await alice.getByText('Hello from Alice').count()).toBe(1);

    // Muting Bob for herself mutes his <video> on Alice's page only.
    await alice.getByRole('button', { name: 'Mute Bob' }).click();
    expect(await tile(alice, 'Bob').locator('video').evaluate((v: HTMLVideoElement) => v.muted)).toBe(true);
    await alice.getByRole('button', { name: 'Unmute Bob' }).click();

    await alice.getByLabel('Your name').fill('Alicia');
    await alice.getByRole('button', { name: 'Rename' }).click();
    await tile(bob, 'Alicia').waitFor();
    await bob.getByRole('region', { name: /Participants/ }).getByText('Alicia').waitFor();

    await alice.getByRole('button', { name: 'Leave', exact: true }).click();
    await alice.getByRole('button', { name: 'Leave call' }).click();
    await alice.getByText('You left the call.').waitFor();
    await tile(bob, 'Alicia').waitFor({ state: 'detached' });
    expect(await bob.getByRole('figure').count()).toBe(1);
  });

  it('three people each receive the two others; screenshots at desktop and phone width', { timeout: 90_000 }, async () => {
    const slug = await createRoom(server.baseUrl, 'Three-person call');
    const people = ['Ada', 'Grace', 'Linus'];
    const pages: Page[] = [];
    for (const name of people) pages.push(await enter(slug, name));
    await Promise.all(pages.map((page, i) => expectMediaFlowing(page, people.filter((_, j) => j !== i))));

    await say(pages[1]!, 'Can everyone see me?');
    await say(pages[2]!, 'Yes, loud and clear.');
    await eventually(async () => expect(await messages(pages[0]!).innerText()).toContain('Yes, loud and clear.'));

    mkdirSync(SCREENSHOTS, { recursive: true });
    await pages[0]!.screenshot({ path: join(SCREENSHOTS, 'call-three-desktop.png') });
    await pages[0]!.setViewportSize({ width: 390, height: 844 });
    await pages[0]!.waitForTimeout(300);
    await pages[0]!.screenshot({ path: join(SCREENSHOTS, 'call-three-phone.png'), fullPage: true });
  });
});

describe('entering without camera or microphone', () => {
  it('says why in words, enters anyway, and still receives the others', { timeout: 60_000 }, async () => {
    const slug = await createRoom(server.baseUrl, 'Refused media');
    const dave = await enter(slug, 'Dave');
    const { context, page: carol } = await openPerson(browser);
    contexts.push(context);
    await context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await carol.goto(`${server.baseUrl}/room/${slug}`);
    await carol.getByText('No camera or microphone: permission was refused.', { exact: false }).waitFor();
    await carol.getByLabel('Nickname').fill('Carol');
    await carol.getByRole('button', { name: 'Enter room' }).click();
    await expect(carol.getByRole('button', { name: 'No camera' }).isDisabled()).resolves.toBe(true);
    await tile(dave, 'Carol').waitFor();
    await expectMediaFlowing(carol, ['Dave']);
  });
});

describe('sharing the screen', () => {
  it('swaps the camera for the screen on the other side, and back', { timeout: 60_000 }, async () => {
    const slug = await createRoom(server.baseUrl, 'Screen share');
    const eve = await enter(slug, 'Eve');
    const frank = await enter(slug, 'Frank');
    await expectMediaFlowing(frank, ['Eve']);
    const aspect = () => tile(frank, 'Eve').locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth / v.videoHeight);
    expect(await aspect()).toBeCloseTo(4 / 3, 1); // the fake camera: 640x480

    await eve.getByRole('button', { name: 'Share screen' }).click();
    await eve.getByRole('button', { name: 'Stop sharing screen' }).waitFor();
    await eventually(async () => expect(await aspect()).toBeCloseTo(16 / 9, 1)); // the fake screen: 1280x720
    expect(await frank.getByRole('figure').count()).toBe(2); // the same feed, not a new one
    await expectMediaFlowing(frank, ['Eve']);

    await eve.getByRole('button', { name: 'Stop sharing screen' }).click();
    await eventually(async () => expect(await aspect()).toBeCloseTo(4 / 3, 1));
  });
});

describe('when the server goes away', () => {
  it('shows "Reconnecting…" while media keeps flowing, and clears it when the server is back', { timeout: 90_000 }, async () => {
    const own = await startServer({ database: 'sqlite' });
    const slug = await createRoom(own.baseUrl, 'Server restart');
    const open = async (name: string) => {
      const { context, page } = await openPerson(browser);
      contexts.push(context);
      await page.goto(`${own.baseUrl}/room/${slug}`);
      await page.getByText('Camera and microphone ready.').waitFor();
      await page.getByLabel('Nickname').fill(name);
      await page.getByRole('button', { name: 'Enter room' }).click();
      return page;
    };
    const gina = await open('Gina');
    const hal = await open('Hal');
    await expectMediaFlowing(gina, ['Hal']);

    await own.stop();
    await gina.getByText('Reconnecting…').waitFor();
    await expect(gina.getByRole('button', { name: 'Send' }).isDisabled()).resolves.toBe(true);
    await expectMediaFlowing(gina, ['Hal']);

    const back = await startServer({ database: 'sqlite', dataDir: own.dataDir, env: { PORT: String(own.port) } });
    try {
      await gina.getByText('Reconnecting…').waitFor({ state: 'detached', timeout: 30_000 });
      await hal.getByText('Reconnecting…').waitFor({ state: 'detached', timeout: 30_000 });
      await expectMediaFlowing(hal, ['Gina']);
    } finally {
      await Promise.all(contexts.splice(0).map((c) => c.close()));
      await back.stop();
    }
  });
});

describe('the pre-join panel', () => {
  it('reopens the camera at the chosen quality', { timeout: 30_000 }, async () => {
    const slug = await createRoom(server.baseUrl, 'Camera quality');
    const { context, page } = await openPerson(browser);
    contexts.push(context);
    await page.goto(`${server.baseUrl}/room/${slug}`);
    await page.getByText('Camera and microphone ready.').waitFor();
    const width = () => page.getByRole('figure').locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth);
    await eventually(async () => expect(await width()).toBe(640));
    await page.getByLabel('Camera quality').selectOption({ label: 'Low (320×240)' });
    await eventually(async () => expect(await width()).toBe(320));
  });
});
