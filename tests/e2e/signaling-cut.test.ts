// The signaling socket is cut for 10 s during a call, while the server keeps running: the browsers
// reach the real server through a TCP proxy (support/tcp-proxy.ts) that drops every connection and
// refuses new ones for 10 s. Media goes peer to peer and must keep flowing throughout; the pages say
// "Reconnecting…", and once the proxy carries connections again the banner clears, the same peer
// connections carry on (none is made again), and chat works both ways. Then the socket goes silent
// instead (the proxy stops passing bytes but closes nothing, like a dead NAT mapping): only the page's
// heartbeat (a ping every 10 s, 5 s for the pong) can notice, and it must reconnect on its own.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { HEARTBEAT_INTERVAL_MS, PONG_TIMEOUT_MS } from '../../src/lib/signaling/machine.ts';
import { eventually, expectMediaFlowing } from './support/browser.ts';
import { useCallFixture } from './support/call-fixture.ts';

const CUT_MS = 10_000;

const call = useCallFixture();
let proxy: TcpProxy;

beforeAll(async () => {
  proxy = await startTcpProxy({ host: '127.0.0.1', port: call.server.port });
});

afterAll(async () => {
  await proxy?.close();
});

/** Enters through the proxy, whose connections the test cuts. */
const enter = (slug: string, name: string): Promise<Page> => call.enter(slug, name, { baseUrl: proxy.baseUrl });

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });
const banner = (page: Page) => page.getByText('Reconnecting…');
/** Every RTCPeerConnection the page ever made (the test init script records them; see support/browser.ts). */
const connectionsMade = (page: Page) =>
  page.evaluate(() => (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections.length);

/** From now on, counts the websockets the page opens. */
const countNewSockets = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __testNewSockets: number; WebSocket: typeof WebSocket };
    w.__testNewSockets = 0;
    w.WebSocket = class extends w.WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        w.__testNewSockets += 1;
      }
    };
  });
const newSockets = (page: Page) => page.evaluate(() => (window as unknown as { __testNewSockets: number }).__testNewSockets);

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

async function expectChatBothWays(alice: Page, bob: Page, tag: string): Promise<void> {
  await say(alice, `Alice ${tag}`);
  await eventually(async () => expect(await messages(bob).innerText()).toContain(`Alice ${tag}`));
  await say(bob, `Bob ${tag}`);
  await eventually(async () => expect(await messages(alice).innerText()).toContain(`Bob ${tag}`));
}

/** Alice and Bob in a fresh room, media flowing and chat working both ways; `made` counts their peer connections. */
async function callOfTwo(roomName: string, tag: string): Promise<{ alice: Page; bob: Page; made: number[] }> {
  const slug = await createRoom(call.server.baseUrl, roomName);
  const alice = await enter(slug, 'Alice');
  const bob = await enter(slug, 'Bob');
  await Promise.all([expectMediaFlowing(alice, ['Bob']), expectMediaFlowing(bob, ['Alice'])]);
  await expectChatBothWays(alice, bob, tag);
  return { alice, bob, made: await Promise.all([connectionsMade(alice), connectionsMade(bob)]) };
}

describe('the signaling socket cut for 10 s, the server still up', () => {
  it('keeps video and audio flowing, shows "Reconnecting…", then clears it and chat works both ways', { timeout: 120_000 }, async () => {
    const { alice, bob, made } = await callOfTwo('Signaling cut', 'before the cut');

    proxy.cut();
    const cutAt = Date.now();
    await Promise.all([banner(alice).waitFor(), banner(bob).waitFor()]);
    await expect(alice.getByRole('button', { name: 'Send' }).isDisabled()).resolves.toBe(true);

    // Media keeps flowing for the whole cut, window after window.
    let windows = 0;
    while (Date.now() - cutAt < CUT_MS - 2_500) {
      await Promise.all([expectMediaFlowing(alice, ['Bob']), expectMediaFlowing(bob, ['Alice'])]);
      windows += 1;
    }
    // Still cut off at the end: both pages still say so, and their reconnect tries were refused.
    await expect(banner(alice).isVisible()).resolves.toBe(true);
    await expect(banner(bob).isVisible()).resolves.toBe(true);
    expect(proxy.refused, 'reconnect tries refused by the proxy').toBeGreaterThan(0);
    expect(windows).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, Math.max(0, CUT_MS - (Date.now() - cutAt))));

    proxy.restore();
    // Backoff: a try is at most ~10.5 s after the one before it.
    await Promise.all([banner(alice).waitFor({ state: 'detached', timeout: 30_000 }), banner(bob).waitFor({ state: 'detached', timeout: 30_000 })]);
    await expect(alice.getByText('Your seat in this room has expired.').count()).resolves.toBe(0);

    await expectChatBothWays(alice, bob, 'after the cut');
    await Promise.all([expectMediaFlowing(alice, ['Bob']), expectMediaFlowing(bob, ['Alice'])]);
    // The call was never torn down: no connection was made again.
    expect(await Promise.all([connectionsMade(alice), connectionsMade(bob)])).toEqual(made);
  });
});

describe('the signaling socket silent (no bytes, no close), the server still up', () => {
  it('is noticed by the heartbeat, which reconnects; media never stops and chat works after', { timeout: 120_000 }, async () => {
    const { alice, bob, made } = await callOfTwo('Signaling stall', 'before the stall');

    await Promise.all([countNewSockets(alice), countNewSockets(bob)]);

    proxy.stall();
    // Nothing else can tell the pages: no close or error reaches them, not even the server dropping its side.
    // The reconnect goes through at once (the proxy carries new connections), so "Reconnecting…" may
    // only flash: what is checked is that each page opened a new socket.
    const noticeWithin = HEARTBEAT_INTERVAL_MS + PONG_TIMEOUT_MS + 15_000;
    await eventually(async () => expect(await Promise.all([newSockets(alice), newSockets(bob)])).toEqual([1, 1]), noticeWithin);
    await Promise.all([expectMediaFlowing(alice, ['Bob']), expectMediaFlowing(bob, ['Alice'])]);
    await Promise.all([banner(alice).waitFor({ state: 'detached', timeout: 30_000 }), banner(bob).waitFor({ state: 'detached', timeout: 30_000 })]);
    await expect(alice.getByText('Your seat in this room has expired.').count()).resolves.toBe(0);

    // The old sockets pass nothing any more, so chat arriving proves each page signals on a new one.
    await expectChatBothWays(alice, bob, 'after the stall');
    await Promise.all([expectMediaFlowing(alice, ['Bob']), expectMediaFlowing(bob, ['Alice'])]);
    expect(await Promise.all([connectionsMade(alice), connectionsMade(bob)])).toEqual(made);
  });
});
