import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Perfect negotiation against real RTCPeerConnections: two peers (machine + PeerConnection, as
 * createPeer wires them) in one headless Chromium page, signaling through an in-page relay that keeps
 * each direction in order but delays every frame by a random 0–maxDelay ms, as a server would.
 */

const CHROMIUM = '/usr/bin/chromium';
const LOW = '1'.repeat(32); // polite
const HIGH = 'f'.repeat(32); // impolite

let browser: Browser;
let server: Server;
let pageUrl: string;

async function bundlePeer(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      write: false,
      minify: false,
      lib: { entry: fileURLToPath(new URL('./peer.ts', import.meta.url)), formats: ['iife'], name: 'camus' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunk = outputs[0]!.output.find((o) => o.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('no bundle');
  return chunk.code;
}

/** getUserMedia needs a secure context: http://127.0.0.1 is one, about:blank is not. */
async function servePage(bundle: string): Promise<void> {
  const html = `<!doctype html><title>peers</title><script>${bundle.replaceAll('</script', '<\\/script')}</script>`;
  server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function newPage(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(pageUrl);
  return page;
}

interface Outcome {
  [id: string]: {
    negotiation: string;
    link: string;
    connectionState: string;
    signalingState: string;
    remoteVideoTracks: number;
    framesDecoded: number;
    candidatePair: unknown;
    lastError: unknown;
    pendingCandidates: number;
    offersSent: number;
    answersSent: number;
  };
}

/** Runs in the page: makes both peers, lets them negotiate, and reports where they ended up. */
async function callInPage(
  page: Page,
  scenario: { maxDelay: number; media: { low: boolean; high: boolean }; then?: 'restartBoth' | 'highAddsMedia' },
): Promise<Outcome> {
  return page.evaluate(
    async ({ scenario, LOW, HIGH }) => {
      const camus = (window as unknown as { camus: { createPeer: (o: unknown) => any } }).camus;
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const media = () => navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
      const peers: Record<string, any> = {};
      const sent: Record<string, { offer: number; answer: number }> = { [LOW]: { offer: 0, answer: 0 }, [HIGH]: { offer: 0, answer: 0 } };
      const lanes: Record<string, Promise<void>> = { [LOW]: Promise.resolve(), [HIGH]: Promise.resolve() };
      const relay = (from: string) => (message: { receiver: string; type: string; data: unknown }) => {
        if (message.type === 'offer' || message.type === 'answer') sent[from]![message.type]++;
        const to = message.receiver;
        const frame = { sender: from, ...message };
        lanes[to] = lanes[to]!.then(() => sleep(Math.random() * scenario.maxDelay)).then(() => peers[to].receive(frame));
      };
      const [lowMedia, highMedia] = await Promise.all([scenario.media.low ? media() : null, scenario.media.high ? media() : null]);
      // Commands, signals and states per peer: only read when an assertion fails.
      const logs: Record<string, string[]> = { [LOW]: [], [HIGH]: [] };
      const watch = (id: string) => {
        const p = peers[id];
        p.actor.on('command', ({ command }: any) => logs[id]!.push(`cmd ${command.type}${command.description ? ':' + command.description.type : ''}`));
        p.actor.on('signal', ({ message }: any) => logs[id]!.push(`send ${message.type}${message.data.usernameFragment ? ':' + message.data.usernameFragment : ''}`));
        p.actor.subscribe((snap: any) => {
          const line = `state ${snap.value.active?.negotiation}/${snap.value.active?.link}/${snap.context.connectionState}`;
          if (logs[id]!.at(-1) !== line) logs[id]!.push(line);
        });
      };
      const make = (ownId: string, peerId: string, localStream: MediaStream | null) =>
        camus.createPeer({ ownId, peerId, iceServers: [], localStream, signal: relay(ownId) });
      peers[LOW] = make(LOW, HIGH, lowMedia);
      peers[HIGH] = make(HIGH, LOW, highMedia);

      watch(LOW);
      watch(HIGH);
      const settled = () =>
        Object.values(peers).every((p) => {
          const s = p.actor.getSnapshot();
          return s.context.connectionState === 'connected' && s.value.active.negotiation === 'stable' && s.context.candidatePair;
        });
      const waitSettled = async () => {
        for (let i = 0; i < 150 && !settled(); i++) await sleep(100);
        await sleep(300); // let in-flight frames land
      };
      await waitSettled();

      if (scenario.then === 'restartBoth') {
        // Both restart ICE at the same moment: two restart offers collide.
        await Promise.all(Object.values(peers).map((p) => p.connection.execute({ type: 'restartIce' })));
        await sleep(200);
        await waitSettled();
      } else if (scenario.then === 'highAddsMedia') {
        await peers[HIGH].setLocalStream(await media());
        await sleep(200);
        await waitSettled();
      }
      await sleep(1500); // frames to decode

      const outcome: Record<string, unknown> = {};
      for (const [id, p] of Object.entries(peers)) {
        const s = p.actor.getSnapshot();
        let framesDecoded = 0;
        const candidates = { local: 0, remote: 0 };
        (await p.connection.stats()).forEach((stat: any) => {
          if (stat.type === 'inbound-rtp' && stat.kind === 'video') framesDecoded += stat.framesDecoded ?? 0;
          if (stat.type === 'local-candidate') candidates.local++;
          if (stat.type === 'remote-candidate') candidates.remote++;
        });
        outcome[id] = {
          negotiation: s.value.active.negotiation,
          link: s.value.active.link,
          connectionState: s.context.connectionState,
          signalingState: s.context.signalingState,
          remoteVideoTracks: p.connection.remoteStreams.reduce((n: number, st: MediaStream) => n + st.getVideoTracks().length, 0),
          framesDecoded,
          candidatePair: s.context.candidatePair,
          lastError: s.context.lastError,
          pendingCandidates: s.context.pendingCandidates.length,
          droppedCandidates: s.context.droppedCandidates,
          failedCandidates: s.context.failedCandidates,
          iceConnectionState: s.context.iceConnectionState,
          candidateStats: candidates,
          log: logs[id],
          offersSent: sent[id]!.offer,
          answersSent: sent[id]!.answer,
        };
        p.close();
      }
      return outcome as never;
    },
    { scenario, LOW, HIGH },
  );
}

function expectConnected(outcome: Outcome, id: string, { video }: { video: boolean }) {
  const o = outcome[id]!;
  expect(o, JSON.stringify(outcome)).toMatchObject({
    negotiation: 'stable',
    link: 'connected',
    connectionState: 'connected',
    signalingState: 'stable',
    lastError: null,
    pendingCandidates: 0,
  });
  // Loopback only: host pairs, or peer-reflexive when a check beats the candidate's signaling.
  expect(o.candidatePair).toMatchObject({ local: 'host', remote: expect.stringMatching(/^(host|prflx)$/) });
  if (video) {
    expect(o.remoteVideoTracks).toBe(1);
    expect(o.framesDecoded, JSON.stringify(outcome)).toBeGreaterThan(0);
  } else {
    expect(o.remoteVideoTracks).toBe(0);
  }
}

describe.skipIf(!existsSync(CHROMIUM))('peer in Chromium: perfect negotiation with real RTCPeerConnections', () => {
  beforeAll(async () => {
    await servePage(await bundlePeer());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
        '--allow-loopback-in-peer-connection',
        '--disable-features=WebRtcHideLocalIpsWithMdns',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('both sides offer at once (glare): each connects and decodes the other’s video', { timeout: 60_000 }, async () => {
    const page = await newPage();
    for (const maxDelay of [0, 20, 60]) {
      const outcome = await callInPage(page, { maxDelay, media: { low: true, high: true } });
      expectConnected(outcome, LOW, { video: true });
      expectConnected(outcome, HIGH, { video: true });
    }
    await page.close();
  });

  it('a receive-only side answers, and renegotiates when it adds media later', { timeout: 60_000 }, async () => {
    const page = await newPage();
    const outcome = await callInPage(page, { maxDelay: 20, media: { low: true, high: false }, then: 'highAddsMedia' });
    expectConnected(outcome, LOW, { video: true });
    expectConnected(outcome, HIGH, { video: true });
    expect(outcome[HIGH]!.offersSent).toBeGreaterThanOrEqual(1);
    await page.close();
  });

  it('both restart ICE at the same moment: the restart offers collide and both settle again', { timeout: 60_000 }, async () => {
    const page = await newPage();
    const outcome = await callInPage(page, { maxDelay: 10, media: { low: true, high: true }, then: 'restartBoth' });
    expectConnected(outcome, LOW, { video: true });
    expectConnected(outcome, HIGH, { video: true });
    await page.close();
  });
});
