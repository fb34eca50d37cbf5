/**
 * Part 4, the browser client, in headless Chromium (Debian's /usr/bin/chromium, fake camera and
 * microphone; see notes/browser.md) against the real server:
 * - first remote frame: a two-person call; Alice is already in the room, Bob's devices are open on
 *   the pre-join panel; the time from Bob's click on "Enter room" to the first video frame his page
 *   decodes from Alice (inbound-rtp framesDecoded > 0, polled every ~10 ms in the page). Fresh room
 *   and fresh contexts each time. Baseline: two RTCPeerConnections in one blank page of the same
 *   browser, signaled in-process (no server, no framework): the floor set by Chromium itself.
 * - room page JavaScript: every .js file the browser fetched for /room/<slug> (the pre-join panel,
 *   then the call), with the page's modulepreload links as a cross-check, sized from build/client:
 *   raw, and gzip as served (Kit's precompressed .gz beside each file).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchCallBrowser, openPerson } from '../../tests/e2e/support/browser.ts';
import { jsonLine, kib, ratio, table, type Budgets } from '../lib/report.ts';
import { REPO_ROOT, startCamus, type RunningServer } from '../lib/servers.ts';
import type { Settings } from '../lib/settings.ts';

const FIRST_FRAME_BUDGET_MS = 1_500;
const ROOM_JS_BUDGET_GZIP_KB = 70;
/** The original Camus client (React + Redux), as the issue gives it. */
const ORIGINAL = { rawKB: 234, gzipKB: 71 };
const BUILD_CLIENT = join(REPO_ROOT, 'build', 'client');

/** In Bob's page: on the click on "Enter room", start polling his connections for a decoded frame. */
const TIME_FIRST_FRAME = `(() => {
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (!button || button.textContent.trim() !== 'Enter room' || window.__benchClickAt !== undefined) return;
    const clickAt = (window.__benchClickAt = performance.now());
    const poll = async () => {
      for (const pc of window.__testPeerConnections ?? []) {
        if (pc.connectionState === 'closed') continue;
        const stats = await pc.getStats();
        let frames = 0;
        stats.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0; });
        if (frames > 0) { window.__benchFirstFrameMs = performance.now() - clickAt; return; }
      }
      setTimeout(poll, 10);
    };
    poll();
  }, true);
})();`;

async function createRoom(server: RunningServer, name: string): Promise<string> {
  const response = await fetch(`${server.baseUrl}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201) throw new Error(`creating a room: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { slug: string }).slug;
}

async function enter(page: Page, name: string): Promise<void> {
  await page.getByText('Camera and microphone ready.').waitFor({ timeout: 30_000 });
  await page.getByLabel('Nickname').fill(name);
  await page.getByRole('button', { name: 'Enter room' }).click();
  await page.getByRole('toolbar', { name: 'Call controls' }).waitFor({ timeout: 30_000 });
}

/** One call: milliseconds from Bob's click on "Enter room" to his first decoded frame from Alice. */
async function firstFrame(browser: Browser, server: RunningServer, run: number): Promise<number> {
  const slug = await createRoom(server, `Bench first frame ${run}`);
  const alice = await openPerson(browser);
  const bob = await openPerson(browser);
  try {
    await alice.page.goto(`${server.baseUrl}/room/${slug}`);
    await enter(alice.page, 'Alice');
    await bob.context.addInitScript(TIME_FIRST_FRAME);
    await bob.page.goto(`${server.baseUrl}/room/${slug}`);
    await enter(bob.page, 'Bob');
    const handle = await bob.page.waitForFunction(() => (window as unknown as { __benchFirstFrameMs?: number }).__benchFirstFrameMs, null, {
      timeout: 30_000,
      polling: 50,
    });
    return (await handle.jsonValue()) as number;
  } finally {
    await Promise.all([alice.context.close(), bob.context.close()]);
  }
}

/** The baseline: two connections in one blank page, signaled in-process; same devices, same browser. */
async function bareFirstFrame(browser: Browser, server: RunningServer): Promise<number> {
  const { context, page } = await openPerson(browser);
  try {
    await page.goto(`${server.baseUrl}/healthz`);
    return await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
      const start = performance.now();
      const a = new RTCPeerConnection();
      const b = new RTCPeerConnection();
      a.onicecandidate = (e) => void (e.candidate && b.addIceCandidate(e.candidate));
      b.onicecandidate = (e) => void (e.candidate && a.addIceCandidate(e.candidate));
      for (const track of stream.getTracks()) a.addTrack(track, stream);
      await a.setLocalDescription();
      await b.setRemoteDescription(a.localDescription!);
      await b.setLocalDescription();
      await a.setRemoteDescription(b.localDescription!);
      for (;;) {
        let frames = 0;
        (await b.getStats()).forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
        });
        if (frames > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const elapsed = performance.now() - start;
      a.close();
      b.close();
      for (const track of stream.getTracks()) track.stop();
      return elapsed;
    });
  } finally {
    await context.close();
  }
}

interface JsFile {
  readonly path: string;
  readonly raw: number;
  readonly gzip: number;
}

/** The .js the browser fetched for a room page (pre-join, then the call), sized from the build. */
async function roomJavaScript(browser: Browser, server: RunningServer): Promise<{ files: JsFile[]; declared: number; missing: string[] }> {
  const slug = await createRoom(server, 'Bench page weight');
  const { context, page } = await openPerson(browser);
  try {
    const html = await (await page.goto(`${server.baseUrl}/room/${slug}`))!.text();
    await enter(page, 'Weigh');
    // What the HTML names: modulepreload links (none with Kit 2 here) and the inline script's import()s.
    const declared = [
      ...[...html.matchAll(/<link[^>]+rel="modulepreload"[^>]*>/g)].map((m) => /href="([^"]+)"/.exec(m[0])?.[1]),
      ...[...html.matchAll(/import\("([^"]+\.js)"\)/g)].map((m) => m[1]),
    ].filter((h): h is string => h !== undefined);
    const fetched = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => e.name).filter((name) => new URL(name).pathname.endsWith('.js')),
    );
    const paths = new Set([...fetched, ...declared].map((u) => new URL(u, `${server.baseUrl}/room/${slug}`).pathname));
    const missing = declared.map((u) => new URL(u, `${server.baseUrl}/room/${slug}`).pathname).filter((p) => !fetched.some((f) => new URL(f).pathname === p));
    const files = [...paths].sort().map((path) => {
      const file = join(BUILD_CLIENT, path);
      const raw = readFileSync(file);
      const gz = `${file}.gz`;
      return { path, raw: raw.length, gzip: existsSync(gz) ? readFileSync(gz).length : gzipSync(raw, { level: 9 }).length };
    });
    return { files, declared: declared.length, missing };
  } finally {
    await context.close();
  }
}

export async function runClient(settings: Settings, budgets: Budgets, print: (text: string) => void): Promise<void> {
  const runs = settings.quick ? 3 : 10;
  const [server, browser] = await Promise.all([startCamus(), launchCallBrowser()]);
  try {
    const js = await roomJavaScript(browser, server);
    // One unmeasured call first (not in --quick): the browser's first call pays one-off costs.
    const coldMs = settings.quick ? NaN : await firstFrame(browser, server, 0);
    const camus: number[] = [];
    const bare: number[] = [];
    for (let run = 1; run <= runs; run++) {
      camus.push(await firstFrame(browser, server, run));
      bare.push(await bareFirstFrame(browser, server));
    }
    const c = stats(camus);
    const b = stats(bare);
    const raw = js.files.reduce((n, f) => n + f.raw, 0);
    const gzip = js.files.reduce((n, f) => n + f.gzip, 0);
    const largest = [...js.files].sort((x, y) => y.gzip - x.gzip).slice(0, 3);
    print(
      table(`Client: first remote frame of a two-person call (${runs} calls)`, ['figure', 'baseline', 'camus', 'camus/baseline'], [
        ['click "Enter room" → first decoded frame, median ms', b.median, c.median, ratio(c.median, b.median)],
        ['p90, ms', b.p90, c.p90, ratio(c.p90, b.p90)],
        ['min, ms', b.min, c.min, ''],
        ['max, ms', b.max, c.max, ''],
      ], [
        'camus: fresh room and browser contexts per call; Alice already in, Bob\'s devices open; from Bob\'s click to his first frame decoded from Alice.',
        `baseline: two RTCPeerConnections in one blank page of the same browser, signaled in-process, from the first call to a decoded frame.${settings.quick ? '' : ` One unmeasured camus call first (it took ${Math.round(coldMs)} ms).`}`,
      ]),
    );
    print(
      table('Client: room page JavaScript (/room/<slug>, pre-join then the call)', ['figure', 'original (React)', 'camus', 'camus/original'], [
        ['JS files loaded', undefined, js.files.length, ''],
        ['raw, kB', ORIGINAL.rawKB, raw / 1000, ratio(raw / 1000, ORIGINAL.rawKB)],
        ['gzip, kB', ORIGINAL.gzipKB, gzip / 1000, ratio(gzip / 1000, ORIGINAL.gzipKB)],
      ], [
        'every .js the browser fetched (Resource Timing) plus any the HTML names (import(), modulepreload), sized from build/client; gzip = the precompressed .gz the server sends.',
        `largest (gzip): ${largest.map((f) => `${f.path.split('/').pop()} ${(f.gzip / 1000).toFixed(1)} kB`).join(', ')}.`,
        'original: the React client\'s figures as the issue gives them, not measured in this run.',
        ...(js.missing.length > 0 ? [`named in the HTML but not fetched: ${js.missing.join(', ')}`] : []),
      ]),
    );
    budgets.add({
      part: 'client',
      name: 'first remote frame after "Enter room"',
      rule: '<= 1.5 s (median)',
      measured: `${Math.round(c.median)} ms median of ${runs} (bare pair: ${Math.round(b.median)} ms)`,
      pass: c.median <= FIRST_FRAME_BUDGET_MS,
    });
    budgets.add({
      part: 'client',
      name: 'room page JavaScript',
      rule: '<= 70 kB gzip',
      measured: `${(gzip / 1000).toFixed(1)} kB gzip, ${(raw / 1000).toFixed(1)} kB raw (original: 71 / 234)`,
      pass: gzip / 1000 <= ROOM_JS_BUDGET_GZIP_KB,
    });
    print(
      jsonLine('client', {
        runs,
        firstFrameMs: { camus: c, baseline: b, coldMs, samples: camus, baselineSamples: bare },
        roomJs: { files: js.files.length, rawBytes: raw, gzipBytes: gzip, rawKiB: kib(raw), gzipKiB: kib(gzip), namedInHtml: js.declared, perFile: js.files },
      }),
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}

function stats(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { count: sorted.length, median, p90: at(0.9), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}
