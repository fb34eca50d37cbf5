// The room debug page in headless Chromium, against the real server: sign-in, the timeline slider,
// the highlighted machine state and the participants at each moment.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { GROUND_CONTROL, closeAll, joinAll, type ProtocolClient } from '../support/protocol-client.ts';
import { REPO_ROOT, killLeftovers, startServer, type RunningServer } from '../support/server.ts';

const TOKEN = 'debug-page-token-0123456789';
const USERNAME = 'Alice <img src=x onerror=alert(1)>';
const SCREENSHOTS = join(REPO_ROOT, 'test-results');
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

let server: RunningServer;
let closedServer: RunningServer;
let browser: Browser;
let slug: string;
const clients: ProtocolClient[] = [];

beforeAll(async () => {
  [server, closedServer, browser] = await Promise.all([
    startServer({ database: 'sqlite', env: { ADMIN_TOKEN: TOKEN } }),
    startServer({ database: 'sqlite' }),
    chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS }),
  ]);
  // Two people arrive, the first names herself, the second leaves: the room ends occupied by Alice.
  slug = await createRoom(server.baseUrl, 'Debug page test');
  const [alice, bob] = await joinAll(server, slug, 2);
  clients.push(alice!, bob!);
  alice!.send({ receiver: GROUND_CONTROL, type: 'profile', data: { username: USERNAME } });
  await alice!.next((f) => f.type === 'room-info' && JSON.stringify(f.data).includes('Alice'));
  bob!.send({ receiver: GROUND_CONTROL, type: 'bye', data: Date.now() });
  await bob!.waitClosed();
  await alice!.next((f) => f.type === 'room-info' && !JSON.stringify(f.data).includes(bob!.id));
});

afterAll(async () => {
  await closeAll(clients);
  await browser?.close();
  await Promise.all([server?.stop(), closedServer?.stop()]);
  await killLeftovers();
});

async function freshPage(): Promise<Page> {
  return (await browser.newContext()).newPage();
}

async function signIn(page: Page, token: string) {
  await page.getByLabel('Admin token').fill(token);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  await hydrated(page);
  return response;
}

/** The page's scripts have loaded (and so hydrated it): keys pressed before would be lost. */
const hydrated = (page: Page) => page.waitForLoadState('networkidle');
const activeState = (page: Page) => page.locator('g.state.active').getAttribute('data-state');
const participantNames = (page: Page) => page.locator('[data-client] td:first-child').allTextContents();
const slider = (page: Page) => page.getByRole('slider', { name: 'Moment' });

describe('the room debug page', () => {
  it('is off (404) when the server has no ADMIN_TOKEN', async () => {
    const page = await freshPage();
    expect((await page.goto(`${closedServer.baseUrl}/debug/rooms/${slug}`))!.status()).toBe(404);
    expect((await page.goto(`${closedServer.baseUrl}/debug/rooms`))!.status()).toBe(404);
    await page.context().close();
  });

  it('shows a sign-in form without the token, and answers a wrong token with 403', async () => {
    const page = await freshPage();
    const response = await page.goto(`${server.baseUrl}/debug/rooms/${slug}`);
    expect(response!.status()).toBe(200);
    await expect(page.getByLabel('Admin token').getAttribute('type')).resolves.toBe('password');
    expect(await page.getByRole('slider').count()).toBe(0);
    expect(await page.content()).not.toContain(USERNAME.slice(0, 5));

    const refused = await signIn(page, 'not-the-token-at-all');
    expect(refused.status()).toBe(403);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Wrong admin token');
    expect(await page.context().cookies()).toEqual([]);
    await page.context().close();
  });

  it('signs in with the right token and moves through the timeline', async () => {
    const page = await freshPage();
    await page.goto(`${server.baseUrl}/debug/rooms/${slug}`);
    const accepted = await signIn(page, TOKEN);
    expect(accepted.status()).toBe(303);
    expect(page.url()).toBe(`${server.baseUrl}/debug/rooms/${slug}`);
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'camus_admin', path: '/debug', httpOnly: true, sameSite: 'Strict' });

    // The last moment: Bob has left, Alice (her name shown as text, not markup) is still there.
    await expect(page.getByRole('heading', { name: /^Timeline/ }).isVisible()).resolves.toBe(true);
    await expect.poll(() => activeState(page)).toBe('open.occupied');
    await expect.poll(() => participantNames(page)).toEqual([USERNAME]);
    expect(await page.locator('img').count()).toBe(0);
    await expect.poll(() => page.locator('#event-heading').textContent()).toContain('ClientLeft');

    // The first moment: the room was just created, empty, nobody seated.
    await slider(page).focus();
    await page.keyboard.press('Home');
    await expect.poll(() => activeState(page)).toBe('open.empty');
    await expect.poll(() => participantNames(page)).toEqual([]);
    await expect.poll(() => page.locator('#event-heading').textContent()).toContain('RoomCreated');
    expect(await page.locator('g.transition.taken').getAttribute('data-from')).toBe('unborn');

    // → on the page (not in the slider): the first arrival takes a seat and the room becomes occupied.
    await page.locator('h1').click();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => activeState(page)).toBe('open.occupied');
    await expect.poll(() => page.locator('#event-heading').textContent()).toContain('ClientJoined');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('#event-heading').textContent()).toContain('ClientAdmitted');
    await expect.poll(() => participantNames(page)).toEqual(['Major Tom']);
    expect(await page.locator('[data-client] td:last-child').allTextContents()).toEqual(['admitted']);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => participantNames(page)).toEqual([]);

    // Back from the end to Alice's new name: both are there, under their names at that moment.
    await slider(page).focus();
    await page.keyboard.press('End');
    for (let i = 0; i < 20 && !(await page.locator('#event-heading').textContent())!.includes('UsernameChanged'); i++) {
      await page.keyboard.press('ArrowLeft');
    }
    await expect.poll(() => page.locator('#event-heading').textContent()).toContain('UsernameChanged');
    await expect.poll(() => participantNames(page)).toEqual([USERNAME, 'Major Tom']);
    await expect.poll(() => activeState(page)).toBe('open.occupied');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.setViewportSize({ width: 1280, height: 1100 });
    await page.screenshot({ path: join(SCREENSHOTS, 'debug-page.png'), fullPage: true });
    await page.context().close();
  });

  it('lists the open rooms with a link each', async () => {
    const page = await freshPage();
    await page.goto(`${server.baseUrl}/debug/rooms`);
    await signIn(page, TOKEN);
    const link = page.getByRole('link', { name: slug });
    expect(await link.getAttribute('href')).toBe(`/debug/rooms/${slug}`);
    await link.click();
    await page.waitForURL(`${server.baseUrl}/debug/rooms/${slug}`);
    await hydrated(page);
    expect(await slider(page).count()).toBe(1);
    await page.context().close();
  });
});
