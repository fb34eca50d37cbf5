import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { killLeftovers, startServer, type RunningServer, type StartOptions } from '../../support/server.ts';
import { DEVICES_READY, enterFromPreJoin, launchCallBrowser, openPerson } from './browser.ts';

export interface EnterOptions {
  readonly viewport?: { width: number; height: number };
  /** Runs in the page before any of its scripts (e.g. to replace getUserMedia). */
  readonly init?: () => void;
  /** Where the room's link points (a proxy in front of the server); the server itself by default. */
  readonly baseUrl?: string;
  /** The browser refuses camera and microphone (permission denied): the panel must say so, and they enter without. */
  readonly devicesRefused?: boolean;
}

/** What the pre-join panel says when the browser refused the camera and microphone. */
export const DEVICES_REFUSED = 'No camera or microphone: permission was refused.';

const refuseDevices = () => {
  navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
};

export interface CallFixture {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** A new person: their own browser context (so their own cookies and session), closed after the test. */
  person(viewport?: EnterOptions['viewport']): Promise<{ context: BrowserContext; page: Page }>;
  /** A new person who opens the room's link and enters the call from the pre-join panel as `name`. */
  enter(slug: string, name: string, options?: EnterOptions): Promise<Page>;
}

/**
 * A browser test file's server and Chromium: both started before its tests and stopped after them;
 * the people a test opens are closed after that test. Call it at the top of the file; `browserArgs`
 * add Chromium flags to CALL_ARGS.
 */
export function useCallFixture(options: StartOptions = { database: 'sqlite' }, browserArgs: readonly string[] = []): CallFixture {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(options), launchCallBrowser(browserArgs)]);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await killLeftovers();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} has not started: use the fixture inside a test`);
    return value;
  };
  const person = async (viewport?: EnterOptions['viewport']) => {
    const opened = await openPerson(started(browser, 'the browser'), viewport);
    contexts.push(opened.context);
    return opened;
  };

  return {
    get server() {
      return started(server, 'the server');
    },
    get browser() {
      return started(browser, 'the browser');
    },
    person,
    async enter(slug, name, { viewport, init, baseUrl, devicesRefused = false } = {}) {
      const { context, page } = await person(viewport);
      if (init) await context.addInitScript(init);
      if (devicesRefused) await context.addInitScript(refuseDevices);
      await page.goto(`${baseUrl ?? started(server, 'the server').baseUrl}/room/${slug}`);
      await enterFromPreJoin(page, name, devicesRefused ? DEVICES_REFUSED : DEVICES_READY);
      return page;
    },
  };
}
