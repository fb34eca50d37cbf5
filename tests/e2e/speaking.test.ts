// The speaking marker, in headless Chromium against the real server. The fake microphone plays a file
// made here: a tone, then silence, over and over, so each feed really is loud and then quiet. The
// marker must come and go with it, on the own feed (measured in the page) and on the other person's
// (from the levels in their packets), and stay off while that person's microphone is muted; talking into
// a muted microphone tells its owner so.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createRoom } from '../support/admission.ts';
import { expectMediaFlowing, feedOf } from './support/browser.ts';
import { useCallFixture } from './support/call-fixture.ts';

const RATE = 48_000;

/** A 16-bit mono WAV: `toneS` seconds of 440 Hz at a third of full scale, then `silenceS` of nothing. */
function toneThenSilence(toneS: number, silenceS: number): Buffer {
  const samples = Math.round((toneS + silenceS) * RATE);
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(RATE, 24);
  wav.writeUInt32LE(RATE * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < toneS * RATE; i++) wav.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / RATE) * 10_000), 44 + i * 2);
  return wav;
}

const soundFile = join(mkdtempSync(join(tmpdir(), 'camus-speaking-')), 'tone-then-silence.wav');
writeFileSync(soundFile, toneThenSilence(1, 1.5));
const call = useCallFixture({ database: 'sqlite' }, [`--use-file-for-fake-audio-capture=${soundFile}`]);

/** Over `ms`, how often (of samples every 50 ms) each named feed on `page` was marked as speaking, and how often not. */
const markedOver = (page: Page, names: readonly string[], ms: number) =>
  page.evaluate(
    async ({ names, ms }) => {
      const counts = Object.fromEntries(names.map((name) => [name, { on: 0, off: 0 }]));
      for (let t = 0; t < ms; t += 50) {
        for (const name of names) {
          const feed = document.querySelector(`figure[aria-label="${name}"]`);
          counts[name]![feed?.hasAttribute('data-speaking') ? 'on' : 'off']++;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return counts;
    },
    { names, ms },
  );

describe('the speaking marker', () => {
  it('comes and goes with the sound on both feeds, stays off while the microphone is muted, and says you are muted', { timeout: 60_000 }, async () => {
    const slug = await createRoom(call.server.baseUrl, 'Who is speaking');
    const ada = await call.enter(slug, 'Ada');
    const bob = await call.enter(slug, 'Bob');
    await expectMediaFlowing(ada, ['Bob']);

    // Five seconds hold two cycles of tone and silence: marked about 60% of the time (the tone's second
    // and the half-second hold after it, of 2.5 s), unmarked the rest.
    const talking = await markedOver(ada, ['Ada (you)', 'Bob'], 5_000);
    for (const name of ['Ada (you)', 'Bob']) {
      expect(talking[name]!.on, `${name} marked while the tone plays`).toBeGreaterThan(20);
      expect(talking[name]!.off, `${name} unmarked in the silence`).toBeGreaterThan(20);
    }

    await bob.getByRole('button', { name: 'Mute microphone' }).click();
    await ada.waitForTimeout(1_000);
    const [heard, own] = await Promise.all([markedOver(ada, ['Bob', 'Ada (you)'], 5_000), markedOver(bob, ['Bob (you)'], 5_000)]);
    expect(heard.Bob!.on, 'Bob marked on Ada\'s page while muted').toBe(0);
    expect(own['Bob (you)']!.on, 'Bob marked on his own page while muted').toBe(0);
    expect(heard['Ada (you)']!.on, 'Ada still marked while she talks').toBeGreaterThan(0);
    // Talking into a muted microphone: Bob is told (the tone comes back every 2.5 s).
    await bob.getByText('You are muted.').waitFor({ timeout: 5_000 });

    await bob.getByRole('button', { name: 'Unmute microphone' }).click();
    await feedOf(ada, 'Bob').and(ada.locator('[data-speaking]')).waitFor({ timeout: 10_000 });
    expect(await bob.getByText('You are muted.').count()).toBe(0);
  });
});
