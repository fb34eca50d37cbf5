// Real calls in headless Chromium against the real server: two and three people enter a room
// through the page, see and hear each other (decoded frames and audio bytes rising in getStats()),
// chat, rename and leave, switch microphone and camera from the keyboard. Peer connections are read through a test-only init script that records
// every RTCPeerConnection the page creates (support/browser.ts); the app exposes nothing for tests.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { REPO_ROOT, startServer } from '../support/server.ts';
import { DEVICES_READY, eventually, expectMediaFlowing, feedOf } from './support/browser.ts';
import { useCallFixture } from './support/call-fixture.ts';

const SCREENSHOTS = join(REPO_ROOT, 'test-results');

const call = useCallFixture();
const enter = (slug: string, name: string, viewport?: { width: number; height: number }) => call.enter(slug, name, { viewport });

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });

/** Records every camera and microphone track the page opens or clones, in `window.__testDeviceTracks`. */
const recordDeviceTracks = () => {
  const tracks: MediaStreamTrack[] = [];
  (window as unknown as { __testDeviceTracks: MediaStreamTrack[] }).__testDeviceTracks = tracks;
  const devices = navigator.mediaDevices;
  const open = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await open(constraints);
    tracks.push(...stream.getTracks());
    return stream;
  };
  const clone = MediaStreamTrack.prototype.clone;
  MediaStreamTrack.prototype.clone = function (this: MediaStreamTrack) {
    const copy = clone.call(this);
    tracks.push(copy);
    return copy;
  };
};

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
}

describe('a call in the room page', () => {
  it('two people see and hear each other, chat, rename and leave, and the chat tells of it', { timeout: 90_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Two-person call');
    const alice = await call.enter(slug, 'Alice', { init: recordDeviceTracks });
    const bob = await enter(slug, 'Bob');

    await Promise.all([feedOf(alice, 'Bob').waitFor(), feedOf(bob, 'Alice').waitFor()]);
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
    // The chat tells of who came after you, not of who was there before.
    expect(await messages(alice).getByText('Bob joined').count()).toBe(1);
    expect(await messages(bob).innerText()).not.toContain('joined');

    // Muting Bob for herself mutes his <video> on Alice's page only.
    await alice.getByRole('button', { name: 'Mute Bob' }).click();
    expect(await feedOf(alice, 'Bob').locator('video').evaluate((v: HTMLVideoElement) => v.muted)).toBe(true);
    await alice.getByRole('button', { name: 'Unmute Bob' }).click();

    await alice.getByLabel('Your name').fill('Alicia');
    await alice.getByRole('button', { name: 'Rename' }).click();
    await feedOf(bob, 'Alicia').waitFor();
    await bob.getByRole('region', { name: /Participants/ }).getByText('Alicia').waitFor();
    await messages(bob).getByText('Alice is now Alicia').waitFor();

    await alice.getByRole('button', { name: 'Leave', exact: true }).click();
    await alice.getByRole('button', { name: 'Leave call' }).click();
    await alice.getByText('You left the call.').waitFor();
    // Leaving lets go of the camera and microphone: no track the page opened, or cloned, is still live.
    const live = () =>
      alice.evaluate(() =>
        (window as unknown as { __testDeviceTracks: MediaStreamTrack[] }).__testDeviceTracks.filter((t) => t.readyState === 'live').map((t) => t.kind),
      );
    await eventually(async () => expect(await live()).toEqual([]), 5_000);
    await feedOf(bob, 'Alicia').waitFor({ state: 'detached' });
    expect(await bob.getByRole('figure').count()).toBe(1);
    await messages(bob).getByText('Alicia left').waitFor();
  });

  it('three people each receive the two others; screenshots at desktop and phone width', { timeout: 90_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Three-person call');
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
    const slug = await createRoom(call.server.baseUrl, 'Refused media');
    const dave = await enter(slug, 'Dave');
    // The pre-join panel must say why before Carol can enter.
    const carol = await call.enter(slug, 'Carol', { devicesRefused: true });
    await expect(carol.getByRole('button', { name: 'No camera' }).isDisabled()).resolves.toBe(true);
    await feedOf(dave, 'Carol').waitFor();
    await expectMediaFlowing(carol, ['Dave']);
  });
});

describe('when the server goes away', () => {
  it('shows "Reconnecting…" while media keeps flowing, and clears it when the server is back', { timeout: 90_000 }, async () => {
    const own = await startServer({ database: 'sqlite' });
    const slug = await createRoom(own.baseUrl, 'Server restart');
    const gina = await call.enter(slug, 'Gina', { baseUrl: own.baseUrl });
    const hal = await call.enter(slug, 'Hal', { baseUrl: own.baseUrl });
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
      // Closed before the server stops, so the pages do not start reconnecting to nothing.
      await Promise.all([gina, hal].map((page) => page.context().close()));
      await back.stop();
    }
  });
});

describe('the pre-join panel', () => {
  it('reopens the camera at the chosen quality', { timeout: 30_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Camera quality');
    const { page } = await call.person();
    await page.goto(`${call.server.baseUrl}/room/${slug}`);
    await page.getByText(DEVICES_READY).waitFor();
    const width = () => page.getByRole('figure').locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth);
    await eventually(async () => expect(await width()).toBe(640));
    await page.getByLabel('Camera quality').selectOption({ label: 'Low (320×240)' });
    await eventually(async () => expect(await width()).toBe(320));
  });
});

describe('keyboard shortcuts', () => {
  it('M and V switch the microphone and camera, but not while typing', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Shortcuts');
    const page = await enter(slug, 'Kim');
    const sent = () =>
      page.evaluate(() => {
        const video = document.querySelector<HTMLVideoElement>('figure[data-own] video');
        const tracks = (video?.srcObject as MediaStream | null)?.getTracks() ?? [];
        return Object.fromEntries(tracks.map((t) => [t.kind, t.enabled]));
      });
    expect(await sent()).toEqual({ audio: true, video: true });

    await page.keyboard.press('m');
    await page.getByRole('button', { name: 'Unmute microphone' }).waitFor();
    await page.keyboard.press('v');
    await page.getByRole('button', { name: 'Turn camera on' }).waitFor();
    expect(await sent()).toEqual({ audio: false, video: false });

    await say(page, 'mv');
    await page.getByRole('list', { name: 'Messages' }).getByText('mv').waitFor();
    expect(await sent()).toEqual({ audio: false, video: false });

    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('M');
    await page.keyboard.press('V');
    await page.getByRole('button', { name: 'Mute microphone' }).waitFor();
    expect(await sent()).toEqual({ audio: true, video: true });
  });
});

describe('the chat on a phone', () => {
  it('is below the call, so the header says when there are new messages there, until they have been seen', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Phone chat');
    const ada = await enter(slug, 'Ada', { width: 390, height: 844 });
    const bob = await enter(slug, 'Bob');
    const toChat = (page: Page) => page.getByRole('link', { name: /^Chat/ });
    await feedOf(ada, 'Bob').waitFor();
    // Beside the call the chat is always in view: no link.
    expect(await toChat(bob).isVisible()).toBe(false);
    expect(await toChat(ada).innerText()).toBe('Chat');

    await say(bob, 'Look below');
    await say(bob, 'Still here');
    await eventually(async () => expect(await toChat(ada).innerText()).toBe('Chat (2 new)'));

    await toChat(ada).click();
    await messages(ada).getByText('Still here').waitFor();
    await eventually(async () => expect(await toChat(ada).innerText()).toBe('Chat'));

    // Back up at the call, the count starts again from the next message.
    await ada.evaluate(() => window.scrollTo(0, 0));
    await say(bob, 'Once more');
    await eventually(async () => expect(await toChat(ada).innerText()).toBe('Chat (1 new)'));
  });
});
