import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Chromium flags for calls between pages on this machine (see notes/browser.md). */
export const CALL_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
];

/** `extraArgs` add to CALL_ARGS, e.g. a sound file for the fake microphone. */
export const launchCallBrowser = (extraArgs: readonly string[] = []): Promise<Browser> =>
  chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CALL_ARGS, ...extraArgs] });

/**
 * Test-only instrumentation, injected before any page script: every RTCPeerConnection the page makes
 * is remembered in `window.__testPeerConnections`, so the test can read getStats() without the app
 * exposing anything. The app's code is unchanged (a subclass keeps `instanceof` and every method).
 */
const RECORD_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  const all = [];
  window.__testPeerConnections = all;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); all.push(this); }
  };
})();`;

/** One person: a fresh context (own cookies, so own session) and a page that records its connections. */
export async function openPerson(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  await context.addInitScript(RECORD_PEER_CONNECTIONS);
  return { context, page: await context.newPage() };
}

export interface InboundTotals {
  readonly framesDecoded: number;
  readonly audioBytes: number;
  /** Open (not closed) connections that have at least one inbound video stream. */
  readonly videoStreams: number;
}

/** Sums of inbound-rtp stats over the page's open peer connections, one entry per connection. */
export function inboundStats(page: Page): Promise<InboundTotals[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections;
    const open = pcs.filter((pc) => pc.connectionState !== 'closed' && pc.getReceivers().length > 0);
    return Promise.all(
      open.map(async (pc) => {
        let framesDecoded = 0;
        let audioBytes = 0;
        let videoStreams = 0;
        (await pc.getStats()).forEach((stat: { type: string; kind?: string; framesDecoded?: number; bytesReceived?: number }) => {
          if (stat.type !== 'inbound-rtp') return;
          if (stat.kind === 'video') {
            videoStreams += 1;
            framesDecoded += stat.framesDecoded ?? 0;
          } else if (stat.kind === 'audio') audioBytes += stat.bytesReceived ?? 0;
        });
        return { framesDecoded, audioBytes, videoStreams };
      }),
    );
  });
}

/** Frames the page decodes over `ms`, summed over its open peer connections. */
export async function framesDecodedOver(page: Page, ms: number): Promise<number> {
  const sum = async () => (await inboundStats(page)).reduce((n, s) => n + s.framesDecoded, 0);
  const before = await sum();
  await new Promise((r) => setTimeout(r, ms));
  return (await sum()) - before;
}

/** Video bytes sent (outbound-rtp, kind video) by each of the page's open peer connections. */
export function outboundVideoBytes(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections;
    const open = pcs.filter((pc) => pc.connectionState !== 'closed' && pc.getSenders().length > 0);
    return Promise.all(
      open.map(async (pc) => {
        let bytes = 0;
        (await pc.getStats()).forEach((stat: { type: string; kind?: string; bytesSent?: number }) => {
          if (stat.type === 'outbound-rtp' && stat.kind === 'video') bytes += stat.bytesSent ?? 0;
        });
        return bytes;
      }),
    );
  });
}

/**
 * The ICE servers each open peer connection is configured with (getConfiguration()): URLs, username,
 * and whether a credential is set — never the credential itself.
 */
export function configuredIceServers(page: Page): Promise<{ urls: string[]; username: string | null; hasCredential: boolean }[][]> {
  return page.evaluate(() => {
    const pcs = (window as unknown as { __testPeerConnections: RTCPeerConnection[] }).__testPeerConnections;
    return pcs
      .filter((pc) => pc.connectionState !== 'closed' && pc.getSenders().length > 0)
      .map((pc) =>
        (pc.getConfiguration().iceServers ?? []).map((s) => ({
          urls: typeof s.urls === 'string' ? [s.urls] : [...s.urls],
          username: s.username ?? null,
          hasCredential: typeof s.credential === 'string' && s.credential.length > 0,
        })),
      );
  });
}

// ---- Shared by the admission, signaling-cut and consecutive-runs tests (and bench/client). ----

/** Polls `check` until it passes (expect inside), or rethrows its last failure after `timeout` ms. */
export async function eventually(check: () => Promise<void>, timeout = 15_000, interval = 200): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, interval));
    }
  }
}

/** What the pre-join panel says once the fake camera and microphone are open. */
export const DEVICES_READY = 'Camera and microphone ready.';

/**
 * On the pre-join panel: waits for what it says about the devices (`ready`), types the nickname, clicks
 * "Enter room", waits for the call.
 */
export async function enterFromPreJoin(page: Page, name: string, ready = DEVICES_READY): Promise<void> {
  await page.getByText(ready, { exact: false }).waitFor();
  await page.getByLabel('Nickname').fill(name);
  await page.getByRole('button', { name: 'Enter room' }).click();
  await page.getByRole('toolbar', { name: 'Call controls' }).waitFor();
}

/** The remote feed labelled with a person's name. */
export const feedOf = (page: Page, name: string) => page.getByRole('figure', { name, exact: true });

/** Frames the <video> of `name`'s feed has shown so far. */
export const framesShownFor = (page: Page, name: string): Promise<number> =>
  feedOf(page, name).locator('video').evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);

export interface MediaCheck {
  /** Connections receiving, and per connection the frames decoded and audio bytes gained in the window. */
  readonly frames: number[];
  readonly audioBytes: number[];
  /** Per named person: frames their <video> showed in the window. */
  readonly shown: Record<string, number>;
}

/**
 * Waits (up to `timeout`) until `page` has one open connection per other person, each with a decoded
 * frame and audio bytes, then measures how many more frames and bytes arrive over `windowMs`.
 * It measures; callers assert (expectMediaFlowing below does the usual assertions).
 */
export async function measureMedia(page: Page, others: readonly string[], { windowMs = 2_000, timeout = 20_000 } = {}): Promise<MediaCheck> {
  await eventually(async () => {
    const stats = await inboundStats(page);
    const receiving = stats.filter((s) => s.videoStreams > 0 && s.framesDecoded > 0 && s.audioBytes > 0);
    if (receiving.length !== others.length) throw new Error(`${receiving.length} of ${others.length} connections receive media`);
    for (const name of others) await feedOf(page, name).waitFor({ timeout: 1_000 });
  }, timeout);
  const before = await inboundStats(page);
  const shownBefore = await Promise.all(others.map((name) => framesShownFor(page, name)));
  await new Promise((r) => setTimeout(r, windowMs));
  const after = await inboundStats(page);
  const shownAfter = await Promise.all(others.map((name) => framesShownFor(page, name)));
  if (after.length !== before.length) throw new Error(`connections changed from ${before.length} to ${after.length} while measuring`);
  return {
    frames: after.map((s, i) => s.framesDecoded - before[i]!.framesDecoded),
    audioBytes: after.map((s, i) => s.audioBytes - before[i]!.audioBytes),
    shown: Object.fromEntries(others.map((name, i) => [name, shownAfter[i]! - shownBefore[i]!])),
  };
}

/**
 * Throws unless `page` receives video (decoded frames rising on every connection, and frames shown in
 * every named feed) and audio (inbound bytes rising) from each of `others`. At the fake camera's
 * ~20 fps, `minFrames` in `windowMs` is a low bar that a stalled stream still cannot pass.
 */
export async function expectMediaFlowing(
  page: Page,
  others: readonly string[],
  { windowMs = 2_000, minFrames = 10, minAudioBytes = 1_000, timeout = 20_000 } = {},
): Promise<MediaCheck> {
  const check = await measureMedia(page, others, { windowMs, timeout });
  const problems: string[] = [];
  if (check.frames.length !== others.length) problems.push(`${check.frames.length} connections for ${others.length} people`);
  check.frames.forEach((n, i) => n <= minFrames && problems.push(`connection ${i}: ${n} frames decoded`));
  check.audioBytes.forEach((n, i) => n <= minAudioBytes && problems.push(`connection ${i}: ${n} audio bytes`));
  for (const [name, n] of Object.entries(check.shown)) if (n <= minFrames) problems.push(`${name}'s feed: ${n} frames shown`);
  if (problems.length > 0) throw new Error(`media is not flowing in ${windowMs} ms: ${problems.join('; ')}`);
  return check;
}
