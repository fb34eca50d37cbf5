// A person reloads the room page in the middle of a call (the same browser, so the same session and the
// same client id) and enters again: both sides must get media flowing again, with one feed each, and the
// others are not told he left and joined again.
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { enterFromPreJoin, eventually, expectMediaFlowing, feedOf } from './support/browser.ts';
import { useCallFixture } from './support/call-fixture.ts';

const call = useCallFixture();

describe('reloading the room page during a call', () => {
  it('brings the same person back with media both ways and no second feed', { timeout: 90_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Reload mid-call');
    const alice = await call.enter(slug, 'Alice');
    const bob = await call.enter(slug, 'Bob');
    await Promise.all([expectMediaFlowing(alice, ['Bob']), expectMediaFlowing(bob, ['Alice'])]);

    await bob.reload();
    await enterFromPreJoin(bob, 'Bob');
    // Right after the reload Alice may still count the old page's frames, and the counts start again from
    // zero when the new page's connection takes over: a measurement that straddles that is retried.
    await eventually(() => Promise.all([expectMediaFlowing(alice, ['Bob']), expectMediaFlowing(bob, ['Alice'])]).then(() => {}), 30_000, 500);
    expect(await alice.getByRole('figure').count()).toBe(2);
    expect(await feedOf(alice, 'Bob').count()).toBe(1);
    // He never left the room (his seat was held while the page reloaded): Alice's chat only ever said he joined.
    const chat = await alice.getByRole('list', { name: 'Messages' }).innerText();
    expect(chat.match(/Bob (joined|left|is now)/g)).toEqual(['Bob joined']);
  });
});
