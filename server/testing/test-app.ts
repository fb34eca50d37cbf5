import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Layer } from 'effect';
import { startApp, type App } from '../app.ts';
import { readConfig } from '../config.ts';
import { ManualClock, manualClockLayer } from '../services/manual-clock.ts';
import { Ids, sequentialIds, type IdsShape } from '../services/ids.ts';
import { Logger, jsonLogger } from '../services/logger.ts';
import type { Connection } from '../runtime/connection.ts';

/**
 * The real App (real SQLite file or PostgreSQL, real journal, real machines) with a hand-moved clock
 * and sequential ids, for tests of the runtime without sockets.
 */
export async function testApp(options: { dataDir?: string; databaseUrl?: string; clock?: ManualClock; ids?: IdsShape; env?: Record<string, string> } = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'camus-test-'));
  const clock = options.clock ?? new ManualClock();
  const lines: string[] = [];
  const config = readConfig({ DATA_DIR: dataDir, DATABASE_URL: options.databaseUrl, ...options.env });
  const services = Layer.mergeAll(
    manualClockLayer(clock),
    // A restarted app must go on from the ids its predecessor used, as random ids would.
    Layer.succeed(Ids, options.ids ?? sequentialIds()),
    Layer.succeed(Logger, jsonLogger('debug', (line) => lines.push(line))),
  );
  const fatal: unknown[] = [];
  const app: App = await startApp(config, services, (error) => fatal.push(error));
  return {
    app,
    clock,
    dataDir,
    logLines: lines,
    /** Append failures the app would have stopped the process for. */
    fatal,
    async stop(options: { keepData?: boolean } = {}) {
      await app.shutdown();
      if (!options.keepData && !process.env.KEEP_TEST_DATA) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The host's side of a socket, recording what it is sent. */
export class RecordingConnection implements Connection {
  readonly frames: { sender: string; receiver: string; type: string; data: unknown }[] = [];
  closed: { code: number; reason: string } | undefined;

  send(frame: string, _type: string): void {
    this.frames.push(JSON.parse(frame));
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }

  ofType(type: string) {
    return this.frames.filter((f) => f.type === type);
  }
}
