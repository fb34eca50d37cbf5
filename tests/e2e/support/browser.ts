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

export const launchCallBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CALL_ARGS });

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
