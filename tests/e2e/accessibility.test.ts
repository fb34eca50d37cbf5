// Every page a person meets, audited by axe-core (the engine of browser accessibility checkers) in
// headless Chromium against the real server: the home form, the public rooms, the pages that turn
// someone away, the password form, the pre-join panel, and a call of two (with one of them entered
// without devices, which adds a note). Any violation, of any impact, fails the test with axe's words.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { rememberSecret } from '../support/server.ts';
import { DEVICES_READY, expectMediaFlowing } from './support/browser.ts';
import { useCallFixture } from './support/call-fixture.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const call = useCallFixture();

/** axe's violations on the page as it is now, one line each: rule, impact, what to fix, where. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: AxeViolation[] }> } }).axe;
    interface AxeViolation {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[] }[];
    }
    const { violations } = await axe.run(document);
    return violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('accessibility', () => {
  it('the pages before a call have no axe violations', { timeout: 60_000 }, async () => {
    const open = await createRoom(call.server.baseUrl, 'Audited', { public: true });
    const password = 'audit-password-1';
    rememberSecret(password);
    const locked = await createRoom(call.server.baseUrl, 'Audited locked', { password });
    const { page } = await call.person();
    const pages: [string, string][] = [
      ['home', '/'],
      ['public rooms', '/public'],
      ['unknown address', '/no/such/page'],
      ['unknown room', '/room/no-such-room'],
      ['password form', `/room/${locked}`],
      ['pre-join panel', `/room/${open}`],
    ];
    for (const [what, path] of pages) {
      await page.goto(`${call.server.baseUrl}${path}`);
      if (what === 'pre-join panel') await page.getByText(DEVICES_READY).waitFor();
      expect(await violations(page), what).toEqual([]);
    }
  });

  it('a call has no axe violations, with or without devices', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Audited call');
    const ada = await call.enter(slug, 'Ada');
    const bob = await call.enter(slug, 'Bob', { devicesRefused: true });
    await expectMediaFlowing(bob, ['Ada']);
    expect(await violations(ada), "Ada's call").toEqual([]);
    expect(await violations(bob), "Bob's call, entered without devices").toEqual([]);
  });
});
