// A feed says why it shows no media while the connection to that person is not up. Carl's browser may
// only use TURN relays and none is configured, so no connection to him can come up: his feed must say
// "Connecting…" for as long as that lasts, while Bob's, connected, says nothing.
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { eventually, feedOf, framesShownFor } from './support/browser.ts';
import { useCallFixture } from './support/call-fixture.ts';

const call = useCallFixture();

/** Every connection the page makes may use relay candidates only (there are none here). */
const relayOnly = () => {
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super({ ...configuration, iceTransportPolicy: 'relay' });
    }
    override setConfiguration(configuration?: RTCConfiguration) {
      super.setConfiguration({ ...configuration, iceTransportPolicy: 'relay' });
    }
  };
};

describe("a feed's connection note", () => {
  it('says "Connecting…" on a person the connection cannot reach, and nothing on one it has reached', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Unreachable');
    const ada = await call.enter(slug, 'Ada');
    await call.enter(slug, 'Bob');
    await call.enter(slug, 'Carl', { init: relayOnly });
    const note = (name: string) => feedOf(ada, name).locator('p');
    await eventually(async () => expect(await framesShownFor(ada, 'Bob')).toBeGreaterThan(0), 20_000);
    await note('Carl').getByText('Connecting…').waitFor();
    expect(await note('Bob').count()).toBe(0);
    // Still saying so a while later: the note lasts as long as the connection is not up.
    await ada.waitForTimeout(3_000);
    expect(await note('Carl').innerText()).toMatch(/^(Connecting…|Connection failed, retrying…)$/);
    expect(await note('Bob').count()).toBe(0);
  });
});
