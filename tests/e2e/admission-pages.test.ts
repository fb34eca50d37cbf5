// Admission through the pages, in headless Chromium against the real server: rooms are created with
// the home page's form (password, guest limit), and others arrive by the room's link. A wrong password
// says so on the page and lets nobody in; the right one leads to a call where media flows both ways.
// The person over the guest limit gets the "full" page, and gets in once someone has left.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { rememberSecret } from '../support/server.ts';
import { enterFromPreJoin, expectMediaFlowing, feedOf } from './support/browser.ts';
import { useCallFixture } from './support/call-fixture.ts';

const call = useCallFixture();

async function person(): Promise<Page> {
  return (await call.person()).page;
}

/** Fills the home page's form and submits it; returns the room's link (where the form redirects). */
async function createRoomFromHome(page: Page, room: { name: string; password?: string; guestLimit?: string }): Promise<string> {
  await page.goto(call.server.baseUrl);
  // Filled once the scripts have loaded; home-form-hydration.test.ts fills it before they do.
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Room name').fill(room.name);
  if (room.password !== undefined) await page.getByLabel('Password (optional)').fill(room.password);
  if (room.guestLimit !== undefined) await page.getByLabel('Guest limit').selectOption(room.guestLimit);
  await Promise.all([page.waitForURL(/\/room\/[^/]+$/), page.getByRole('button', { name: 'Create room' }).click()]);
  return page.url();
}

const passwordForm = (page: Page) => page.getByLabel('Password', { exact: true });

async function submitPassword(page: Page, password: string): Promise<void> {
  await passwordForm(page).fill(password);
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/room/')),
    page.getByRole('button', { name: 'Enter room' }).click(),
  ]);
  await page.waitForLoadState();
}

describe('a password room, through the pages', () => {
  it('refuses a wrong password with a clear error, and the right one leads to a call with media', { timeout: 90_000 }, async () => {
    const password = 'correct horse battery';
    rememberSecret(password);
    const alice = await person();
    const link = await createRoomFromHome(alice, { name: 'Secret garden', password });
    // Even the creator is asked: the form made the room, not a session.
    await expect(alice.getByRole('heading', { name: 'Secret garden' }).isVisible()).resolves.toBe(true);
    await submitPassword(alice, password);
    await enterFromPreJoin(alice, 'Alice');

    const bob = await person();
    await bob.goto(link);
    await passwordForm(bob).waitFor();
    await expect(bob.getByLabel('Nickname').count()).resolves.toBe(0);

    await submitPassword(bob, 'wrong horse');
    await expect(bob.getByRole('alert').innerText()).resolves.toBe('Invalid password');
    // Still outside: the password form again, no pre-join panel, no call.
    await expect(passwordForm(bob).isVisible()).resolves.toBe(true);
    await expect(bob.getByLabel('Nickname').count()).resolves.toBe(0);
    await expect(bob.getByRole('toolbar', { name: 'Call controls' }).count()).resolves.toBe(0);
    await expect(feedOf(alice, 'Guest').count()).resolves.toBe(0);

    await submitPassword(bob, password);
    await expect(bob.getByRole('alert').count()).resolves.toBe(0);
    await enterFromPreJoin(bob, 'Bob');
    await Promise.all([expectMediaFlowing(alice, ['Bob']), expectMediaFlowing(bob, ['Alice'])]);

    // The session cookie admits Bob again on reload, without the password.
    await bob.reload();
    await bob.getByLabel('Nickname').waitFor();
    await expect(passwordForm(bob).count()).resolves.toBe(0);
  });
});

describe('a full room, through the pages', () => {
  it('turns away the person over the guest limit, and lets them in once someone has left', { timeout: 120_000 }, async () => {
    const alice = await person();
    const link = await createRoomFromHome(alice, { name: 'Two seats only', guestLimit: '2' });
    await enterFromPreJoin(alice, 'Alice');
    const bob = await person();
    await bob.goto(link);
    await enterFromPreJoin(bob, 'Bob');
    await feedOf(alice, 'Bob').waitFor();

    const carol = await person();
    const refused = await carol.goto(link);
    expect(refused?.status()).toBe(418);
    await carol.getByRole('heading', { name: 'This room is full' }).waitFor();
    await carol.getByText('Guest limit already reached').waitFor();
    await expect(carol.getByLabel('Nickname').count()).resolves.toBe(0);
    await expect(carol.getByRole('button', { name: 'Enter room' }).count()).resolves.toBe(0);

    // Bob leaves; his seat is free as soon as the server has his bye (Alice's page drops his feed).
    await bob.getByRole('button', { name: 'Leave', exact: true }).click();
    await bob.getByRole('button', { name: 'Leave call' }).click();
    await bob.getByText('You left the call.').waitFor();
    await feedOf(alice, 'Bob').waitFor({ state: 'detached' });

    const [admitted] = await Promise.all([carol.waitForNavigation(), carol.getByRole('link', { name: 'Try again' }).click()]);
    expect(admitted?.status()).toBe(200);
    await enterFromPreJoin(carol, 'Carol');
    await Promise.all([expectMediaFlowing(alice, ['Carol']), expectMediaFlowing(carol, ['Alice'])]);

    // Full again: the next person is turned away.
    const dave = await person();
    expect((await dave.goto(link))?.status()).toBe(418);
    await dave.getByText('Guest limit already reached').waitFor();
  });
});
