import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createRoom } from '../support/admission.ts';
import { freePort, REPO_ROOT } from '../support/server.ts';
import { enterFromPreJoin, expectMediaFlowing, launchCallBrowser, openPerson } from './support/browser.ts';

/** `vite dev` runs the same App and websocket endpoint in Vite's process; a call works there too. */
describe('vite dev', () => {
  let vite: ChildProcess;
  let baseUrl: string;
  let dataDir: string;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'camus-dev-'));
    // The dev plugin stays out of vitest's own Vite server by looking for VITEST; this child is not that.
    const { VITEST: _vitest, VITEST_MODE: _mode, VITEST_POOL_ID: _pool, VITEST_WORKER_ID: _worker, ...env } = process.env;
    vite = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'dev', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
      cwd: REPO_ROOT,
      env: { ...env, DATA_DIR: dataDir, DATABASE_URL: '' },
      stdio: 'ignore',
    });
    baseUrl = `http://127.0.0.1:${port}`;
    for (let tries = 0; ; tries++) {
      const up = await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false);
      if (up) break;
      if (tries > 300) throw new Error('vite dev did not answer /healthz within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    browser = await launchCallBrowser();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (vite?.pid) process.kill(vite.pid, 'SIGTERM');
    await new Promise((resolve) => vite?.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the room, connects the signaling socket, and streams the page’s machines to ?inspect=', async () => {
    const relayPort = await freePort();
    const relay = new WebSocketServer({ port: relayPort, host: '127.0.0.1' });
    const received: string[] = [];
    relay.on('connection', (ws) => ws.on('message', (data) => received.push(data.toString())));
    try {
      const slug = await createRoom(baseUrl, 'Dev room');
      const { page } = await openPerson(browser);
      await page.goto(`${baseUrl}/room/${slug}?inspect=ws://127.0.0.1:${relayPort}`);
      await page.getByLabel('Nickname').fill('Dev');
      await page.getByRole('button', { name: 'Enter room' }).click();
      await page.getByRole('toolbar', { name: 'Call controls' }).waitFor({ timeout: 60_000 });
      await expect.poll(() => page.getByRole('heading', { name: /Participants \(1\)/ }).count(), { timeout: 20_000 }).toBe(1);
      await expect
        .poll(() => received.some((m) => m.includes('"@xstate.actor"') && m.includes('"signaling"')), { timeout: 20_000 })
        .toBe(true);
    } finally {
      for (const socket of relay.clients) socket.terminate();
      await new Promise((resolve) => relay.close(resolve));
    }
  }, 120_000);

  it('carries a two-person call: each sees and hears the other', async () => {
    const slug = await createRoom(baseUrl, 'Dev call');
    const [alice, bob] = await Promise.all([openPerson(browser), openPerson(browser)]);
    for (const [{ page }, name] of [[alice, 'Alice'], [bob, 'Bob']] as const) {
      await page.goto(`${baseUrl}/room/${slug}`);
      await enterFromPreJoin(page, name);
    }
    await Promise.all([expectMediaFlowing(alice.page, ['Bob'], { timeout: 40_000 }), expectMediaFlowing(bob.page, ['Alice'], { timeout: 40_000 })]);
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);
});
