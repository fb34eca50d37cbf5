// The home page's form is server-rendered and works before its scripts run. Whatever a person typed,
// ticked or chose while the scripts were still loading must survive hydration: Svelte sets a bound
// `value` when it hydrates, which would silently reset the form to its defaults. The scripts are held
// back by the browser's own request routing until the form has been filled.
import type { Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallFixture } from './support/call-fixture.ts';

const call = useCallFixture();

describe('the home page form, filled before its scripts load', () => {
  it('keeps the typed name, the ticked box and the chosen guest limit through hydration, and creates that room', { timeout: 60_000 }, async () => {
    const { page } = await call.person();
    let release!: () => void;
    const scriptsMayLoad = new Promise<void>((resolve) => (release = resolve));
    const held: string[] = [];
    await page.route('**/_app/**/*.js', async (route: Route) => {
      held.push(route.request().url());
      await scriptsMayLoad;
      await route.continue();
    });

    await page.goto(call.server.baseUrl, { waitUntil: 'domcontentloaded' });
    await page.getByLabel('Room name').fill('Typed before hydration');
    await page.getByLabel('List on the public rooms page').check();
    await page.getByLabel('Guest limit').selectOption('3');
    expect(held.length).toBeGreaterThan(0);
    release();
    await page.waitForLoadState('networkidle');
    // Only the hydrated page reacts to "Show password" (it is Svelte state), so this says hydration is over.
    await page.getByLabel('Show password').check();
    await expect.poll(() => page.getByLabel('Password (optional)').getAttribute('type')).toBe('text');

    expect(await page.getByLabel('Room name').inputValue()).toBe('Typed before hydration');
    expect(await page.getByLabel('List on the public rooms page').isChecked()).toBe(true);
    expect(await page.getByLabel('Guest limit').inputValue()).toBe('3');

    await Promise.all([page.waitForURL(/\/room\/[^/]+$/), page.getByRole('button', { name: 'Create room' }).click()]);
    const slug = new URL(page.url()).pathname.split('/').pop()!;
    const listed = (await (await fetch(`${call.server.baseUrl}/api/rooms`)).json()) as { slug: string; name: string; guestLimit: number | null }[];
    expect(listed.find((room) => room.slug === slug)).toMatchObject({ name: 'Typed before hydration', guestLimit: 3 });
  });

  it('comes back with what was chosen when the server refuses it (a name already taken)', { timeout: 60_000 }, async () => {
    const taken = await fetch(`${call.server.baseUrl}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Taken already' }) });
    expect(taken.status).toBe(201);
    const { page } = await call.person();
    await page.goto(call.server.baseUrl);
    await page.waitForLoadState('networkidle');
    await page.getByLabel('Room name').fill('Taken already');
    await page.getByLabel('Guest limit').selectOption('5');
    await page.getByRole('button', { name: 'Create room' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/taken|exists/i);
    expect(await page.getByLabel('Room name').inputValue()).toBe('Taken already');
    expect(await page.getByLabel('Guest limit').inputValue()).toBe('5');
  });
});
