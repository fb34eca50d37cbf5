// `replay --server` against real servers, and the /debug/rooms/<slug>/state endpoint it reads.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveState } from '../../server/replay/live-check.ts';
import { ExitCode } from '../../server/replay/exit-codes.ts';
import { createRoom } from '../support/admission.ts';
import { GROUND_CONTROL, closeAll, joinAll, type ProtocolClient } from '../support/protocol-client.ts';
import { freePort, killLeftovers, startServer, type RunningServer } from '../support/server.ts';
import { runCli } from './support.ts';

const TOKEN = 'live-check-token-0123456789';
const PASSWORD = 'live check password';
const NAME = 'Live check';

/** better-sqlite3 comes with @effect/sql-sqlite-node and has no type declarations here. */
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => {
  backup(to: string): Promise<unknown>;
  close(): void;
};

describe('replay --server against running servers', () => {
  let server: RunningServer;
  /** Another server with a room of the same slug and other people in it. */
  let other: RunningServer;
  /** A server without ADMIN_TOKEN: its debug pages are off. */
  let off: RunningServer;
  let slug: string;
  const clients: ProtocolClient[] = [];
  const temps: string[] = [];
  const env = (extra: Record<string, string> = {}) => ({ DATA_DIR: server.dataDir, ADMIN_TOKEN: TOKEN, ...extra });

  beforeAll(async () => {
    [server, other, off] = await Promise.all([
      startServer({ database: 'sqlite', env: { ADMIN_TOKEN: TOKEN } }),
      startServer({ database: 'sqlite', env: { ADMIN_TOKEN: TOKEN } }),
      startServer({ database: 'sqlite' }),
    ]);
    slug = await createRoom(server.baseUrl, NAME, { password: PASSWORD });
    clients.push(...(await joinAll(server, slug, 2, { password: PASSWORD })));
    expect(await createRoom(other.baseUrl, NAME)).toBe(slug);
    clients.push(...(await joinAll(other, slug, 1)));
  });
  afterAll(async () => {
    await closeAll(clients);
    await Promise.all([server?.stop(), other?.stop(), off?.stop()]);
    await killLeftovers();
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  const state = (base: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/debug/rooms/${slug}/state`, { headers: { Accept: 'application/json', ...headers } });

  it('serves the live state to the admin token only, and never the password hash', async () => {
    expect((await state(off.baseUrl, { Authorization: `Bearer ${TOKEN}` })).status).toBe(404);
    expect((await state(server.baseUrl)).status).toBe(401);
    expect((await state(server.baseUrl, { Authorization: 'Bearer not-the-admin-token' })).status).toBe(403);
    const ok = await state(server.baseUrl, { Authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const body = await ok.text();
    expect(body).not.toContain('passwordHash');
    expect(body).not.toContain('$');
    const live = JSON.parse(body) as LiveState;
    expect(live.room).toMatchObject({ value: { open: 'occupied' }, context: { hasPassword: true, members: clients.slice(0, 2).map((c) => c.id) } });
    expect(live.clients.map((c) => [c.id, c.value])).toEqual(clients.slice(0, 2).map((c) => [c.id, 'connected']));
    expect(live.lastPosition).toBeGreaterThanOrEqual(7);
  });

  it('matches the log of a quiet room (exit 0)', async () => {
    const run = await runCli([slug, '--server', server.baseUrl], env());
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`live check against ${server.baseUrl} \\(state up to #\\d+\\): matches\\n$`));
    expect(run.code).toBe(ExitCode.ok);
  });

  it('reports the actors of a server whose room has other people (exit 1)', async () => {
    const run = await runCli([slug, '--server', other.baseUrl], env());
    expect(run.code).toBe(ExitCode.inconsistent);
    expect(run.stdout).toContain('difference(s)');
    // The other server's state includes its first 4 events: this log's first client has arrived by then.
    expect(run.stdout).toContain(`  client ${clients[0]!.id.slice(0, 8)}: missing on the server (expected "connected", live null)`);
    expect(run.stdout).toContain(`  client ${clients[2]!.id.slice(0, 8)}: only on the server`);
    expect(run.stdout).toMatch(/ {2}room: context\.members: expected/);

    const json = await runCli([slug, '--server', other.baseUrl, '--json'], env());
    expect(json.code).toBe(ExitCode.inconsistent);
    const check = JSON.parse(json.stdout.trimEnd().split('\n').at(-1)!) as { kind: string; ok: boolean; differences: { actor: string }[] };
    expect(check).toMatchObject({ kind: 'live-check', ok: false });
    expect(check.differences.map((d) => d.actor)).toContain(`client ${clients[2]!.id.slice(0, 8)}`);
  });

  it('finds what a copy of the log lacks: the events after the copy (exit 1)', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'camus-live-check-'));
    temps.push(copy);
    const db = new Database(join(server.dataDir, 'camus.db'));
    await db.backup(join(copy, 'camus.db'));
    db.close();
    const alice = clients[0]!;
    alice.send({ receiver: GROUND_CONTROL, type: 'profile', data: { username: 'Alice, later' } });
    await alice.next((f) => f.type === 'room-info' && JSON.stringify(f.data).includes('Alice, later'));

    const run = await runCli([slug, '--server', server.baseUrl], env({ DATA_DIR: copy }));
    expect(run.code).toBe(ExitCode.inconsistent);
    expect(run.stdout).toMatch(/the log read ends at #\d+: the server holds events this log does not have/);
    expect(run.stdout).toContain(`  client ${alice.id.slice(0, 8)}: context.username: expected "Major Tom", live "Alice, later"`);
    // The server's own log has them.
    expect((await runCli([slug, '--server', server.baseUrl], env())).code).toBe(ExitCode.ok);
  });

  it('cannot ask an unreachable server, one with its debug pages off, or with a wrong token (exit 8)', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const cases: [string, Record<string, string>, RegExp][] = [
      [nobody, env(), /^camus-replay: cannot reach the server at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\n$/],
      [off.baseUrl, env(), /^camus-replay: the server at .* has no debug pages \(HTTP 404\): is ADMIN_TOKEN set there\?\n$/],
      [server.baseUrl, env({ ADMIN_TOKEN: 'not-the-admin-token' }), /^camus-replay: the server at .* refused the admin token \(HTTP 403\): check ADMIN_TOKEN\n$/],
    ];
    for (const [url, environment, message] of cases) {
      const run = await runCli([slug, '--server', url], environment);
      expect(run.stderr, url).toMatch(message);
      expect(run.code, url).toBe(ExitCode.cannotReachServer);
    }
  });

  it('needs ADMIN_TOKEN in the environment, and an http(s) URL (exit 2)', async () => {
    const { ADMIN_TOKEN: _token, ...withoutToken } = env();
    const run = await runCli([slug, '--server', server.baseUrl], withoutToken);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stderr).toContain('--server needs the admin token in the environment');
    expect((await runCli([slug, '--server', 'ftp://example.org'], env())).code).toBe(ExitCode.usage);
    expect((await runCli([slug, '--server', server.baseUrl, '--follow'], env())).code).toBe(ExitCode.usage);
  });
});
