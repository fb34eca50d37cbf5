// What a person chose before entering one room (nickname, camera quality), and a new name taken in the
// call, is where the next room's pre-join panel starts, in the same browser; another browser starts blank.
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { DEVICES_READY, enterFromPreJoin } from './support/browser.ts';
import { useCallFixture } from './support/call-fixture.ts';

const call = useCallFixture();

describe('the pre-join panel', () => {
  it('starts from the nickname and camera quality chosen last time in this browser', { timeout: 60_000 }, async () => {
    const [first, second, third] = await Promise.all(['Kept one', 'Kept two', 'Kept three'].map((name) => createRoom(call.server.baseUrl, name)));
    const { page } = await call.person();
    const nickname = page.getByLabel('Nickname');
    const quality = page.getByLabel('Camera quality');

    await page.goto(`${call.server.baseUrl}/room/${first}`);
    await page.getByText(DEVICES_READY).waitFor();
    expect(await nickname.inputValue()).toBe('');
    expect(await quality.inputValue()).toBe('standard');
    await quality.selectOption('hd');
    await enterFromPreJoin(page, 'Ada');

    await page.goto(`${call.server.baseUrl}/room/${second}`);
    await page.getByText(DEVICES_READY).waitFor();
    expect(await nickname.inputValue()).toBe('Ada');
    expect(await quality.inputValue()).toBe('hd');
    await page.getByRole('button', { name: 'Enter room' }).click();
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { name: 'Kept two' }).waitFor();

    await page.goto(`${call.server.baseUrl}/room/${third}`);
    await page.getByText(DEVICES_READY).waitFor();
    expect(await nickname.inputValue()).toBe('Ada Lovelace');

    const other = await call.person();
    await other.page.goto(`${call.server.baseUrl}/room/${third}`);
    await other.page.getByText(DEVICES_READY).waitFor();
    expect(await other.page.getByLabel('Nickname').inputValue()).toBe('');
  });
});
