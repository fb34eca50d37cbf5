// Reliability: 20 consecutive fresh calls of two people, then 20 of three, each in a new room with a
// fresh browser context per person. In every run each person must see every other person's video
// with frames advancing (decoded, and shown in the feed with their name) and hear them (inbound audio
// bytes growing). Every run is reported; a failed run is described (each connection's states) and the
// runs go on, so the failure rate is known; the test fails if any run failed.
// CALL_RUNS=<n> changes the number of runs (e.g. 100 when hunting flakiness).
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { DEVICES_READY, enterFromPreJoin, expectMediaFlowing, openPerson } from './support/browser.ts';
import { useCallFixture } from './support/call-fixture.ts';

const RUNS = Number(process.env.CALL_RUNS ?? 20);
const NAMES = ['Ada', 'Grace', 'Linus'];

// A run opens its people itself and closes them before the next run starts.
const fixture = useCallFixture();

/**
 * Test-only diagnostics (after support/browser.ts's recorder): each connection keeps a short log of
 * its signaling, gathering and ICE states, descriptions (with their ICE ufrag) and candidates, which
 * a failed run prints for the connections that never connected. It changes no behaviour.
 */
const LOG_NEGOTIATION = `(() => {
  const Base = window.RTCPeerConnection;
  const t0 = performance.now();
  const ufrag = (d) => (/a=ice-ufrag:(\\S+)/.exec(d?.sdp ?? '') ?? [])[1] ?? '-';
  window.RTCPeerConnection = class extends Base {
    constructor(...args) {
      super(...args);
      const log = (this.__log = []);
      const at = () => Math.round(performance.now() - t0);
      this.addEventListener('signalingstatechange', () => log.push(at() + ' sig ' + this.signalingState));
      this.addEventListener('icegatheringstatechange', () => log.push(at() + ' gathering ' + this.iceGatheringState));
      this.addEventListener('iceconnectionstatechange', () => log.push(at() + ' ice ' + this.iceConnectionState));
      this.addEventListener('icecandidate', (e) => log.push(at() + ' local ' + (e.candidate ? (e.candidate.candidate ? 'candidate ' + e.candidate.usernameFragment : 'end-of-candidates') : 'done')));
    }
    async setLocalDescription(d) {
      const at = Math.round(performance.now() - t0);
      await super.setLocalDescription(d);
      this.__log.push(at + ' sld(' + (d?.type ?? '') + ') -> ' + this.localDescription?.type + ' ufrag ' + ufrag(this.localDescription));
    }
    async setRemoteDescription(d) {
      this.__log.push(Math.round(performance.now() - t0) + ' srd ' + d.type + ' ufrag ' + ufrag(d));
      return super.setRemoteDescription(d);
    }
    async addIceCandidate(c) {
      this.__log.push(Math.round(performance.now() - t0) + ' addIce ' + (c?.usernameFragment ?? '-'));
      return super.addIceCandidate(c);
    }
  };
})();`;

/** Each connection's states, and the log of those that did not connect, for the report of a failed run. */
function describeConnections(page: Page): Promise<string> {
  return page.evaluate(() => {
    const pcs = (window as unknown as { __testPeerConnections: (RTCPeerConnection & { __log?: string[] })[] }).__testPeerConnections;
    return pcs
      .filter((pc) => pc.getReceivers().length > 0)
      .map((pc) => {
        const states = `${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState}/${pc.iceGatheringState}`;
        return pc.connectionState === 'connected' ? states : `${states} {${(pc.__log ?? []).join('; ')}}`;
      })
      .join(', ');
  });
}

/** One call: a new room, one fresh context per person; they enter one after another. */
async function oneCall(size: number, run: number): Promise<void> {
  const slug = await createRoom(fixture.server.baseUrl, `Run ${size}-${run}`);
  const contexts: BrowserContext[] = [];
  const pages: Page[] = [];
  const names = NAMES.slice(0, size);
  try {
    // The pages open side by side; people then enter one after another, as they would.
    await Promise.all(
      names.map(async () => {
        const { context, page } = await openPerson(fixture.browser);
        await context.addInitScript(LOG_NEGOTIATION);
        contexts.push(context);
        pages.push(page);
        await page.goto(`${fixture.server.baseUrl}/room/${slug}`);
        await page.getByText(DEVICES_READY).waitFor();
      }),
    );
    for (const [i, page] of pages.entries()) await enterFromPreJoin(page, names[i]!);
    const checks = await Promise.allSettled(
      pages.map((page, i) => expectMediaFlowing(page, names.filter((_, j) => j !== i), { windowMs: 1_500, minFrames: 5, timeout: 20_000 })),
    );
    const failed = checks.flatMap((c, i) => (c.status === 'rejected' ? [i] : []));
    if (failed.length > 0) {
      const details = await Promise.all(
        failed.map(async (i) => {
          const page = pages[i]!;
          const reason = (checks[i] as PromiseRejectedResult).reason?.message;
          // What the page says: connecting / reconnecting / session ended, and how many it counts.
          const said = await page.locator('[role=status], #people-title').allInnerTexts().catch(() => ['?']);
          return `${names[i]}: ${reason} [${await describeConnections(page).catch(() => '?')}] page: ${JSON.stringify(said.filter((t) => t.trim() !== ''))}`;
        }),
      );
      throw new Error(details.join(' | '));
    }
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
}

describe(`${RUNS} consecutive fresh calls`, () => {
  for (const size of [2, 3]) {
    it(`of ${size} people: everyone sees and hears everyone, every time`, { timeout: RUNS * 30_000 }, async () => {
      const failures: string[] = [];
      for (let run = 1; run <= RUNS; run++) {
        const started = performance.now();
        try {
          await oneCall(size, run);
          console.log(`calls of ${size}: run ${run}/${RUNS} ok (${((performance.now() - started) / 1000).toFixed(1)} s)`);
        } catch (error) {
          failures.push(`run ${run}: ${(error as Error).message}`);
          console.log(`calls of ${size}: run ${run}/${RUNS} FAILED: ${(error as Error).message}`);
        }
      }
      console.log(`calls of ${size}: ${failures.length} of ${RUNS} runs failed`);
      expect(failures).toEqual([]);
    });
  }
});
