// The pages around the calls, in headless Chromium against the real server: the public rooms page lists
// public rooms (not private ones) with who is in them and leads into them; an address with no page
// behind it says so in words, with the way back.
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { eventually } from './support/browser.ts';
import { useCallFixture } from './support/call-fixture.ts';

const call = useCallFixture();

describe('the public rooms page', () => {
  it('lists a public room with its people and guest limit, leaves private ones out, and links to the room', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Open Studio', { public: true, guestLimit: 5 });
    await createRoom(call.server.baseUrl, 'Back Office');
    await call.enter(slug, 'Ada');

    const { page } = await call.person();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Open Studio' }) });
    await eventually(async () => {
      await page.goto(`${call.server.baseUrl}/public`);
      expect(await row.getByRole('cell').nth(1).innerText()).toBe('1 / 5');
    });
    expect(await page.getByRole('link', { name: 'Back Office' }).count()).toBe(0);

    await Promise.all([page.waitForURL(`${call.server.baseUrl}/room/${slug}`), page.getByRole('link', { name: 'Open Studio' }).click()]);
    await page.getByLabel('Nickname').waitFor();
  });
});

describe('an address with no page', () => {
  it('answers 404 with a page that says so and leads back home', { timeout: 30_000 }, async () => {
    const { page } = await call.person();
    const response = await page.goto(`${call.server.baseUrl}/no/such/page`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('There is no page here');
    await Promise.all([page.waitForURL(`${call.server.baseUrl}/`), page.getByRole('link', { name: 'Create a room' }).click()]);
    await page.getByLabel('Room name').waitFor();
  });
});
