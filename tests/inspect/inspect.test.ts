import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createRoom } from '../support/admission.ts';
import { closeAll, joinAll } from '../support/protocol-client.ts';
import { freePort, startServer, type RunningServer } from '../support/server.ts';
import { append, fixture, runCli } from '../replay/support.ts';

/** A stand-in for the Stately inspector relay: it keeps every inspection message it is sent. */
async function inspectorRelay() {
  const port = await freePort();
  const server = new WebSocketServer({ port, host: '127.0.0.1' });
  const messages: { type: string; sessionId: string; event?: { type: string }; snapshot?: { context?: unknown } }[] = [];
  server.on('connection', (ws) => ws.on('message', (data) => messages.push(JSON.parse(data.toString()))));
  await new Promise((resolve) => server.once('listening', resolve));
  const close = () => {
    // server.close() waits for its sockets; a live server's inspector connection would keep it open.
    for (const socket of server.clients) socket.terminate();
    return new Promise((resolve) => server.close(resolve));
  };
  return { url: `ws://127.0.0.1:${port}`, messages, close };
}

const until = async (check: () => boolean, ms = 10_000) => {
  for (const started = Date.now(); !check(); ) {
    if (Date.now() - started > ms) throw new Error('timed out waiting for inspection messages');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('inspection', () => {
  const servers: RunningServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
  });

  it('replay --inspect plays a stored log into the inspector: every actor, every event, no password hash', async () => {
    const relay = await inspectorRelay();
    const dataDir = mkdtempSync(join(tmpdir(), 'camus-inspect-'));
    const events = fixture('two-person-call');
    await append({ dataDir }, events);

    const run = await runCli(['two-person-call', '--inspect', relay.url], { DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    await until(() => relay.messages.filter((m) => m.type === '@xstate.event').length === events.length);

    const actors = relay.messages.filter((m) => m.type === '@xstate.actor').map((m) => m.sessionId);
    expect(new Set(actors)).toEqual(new Set(events.map((e) => e.streamId)));
    expect(relay.messages.filter((m) => m.type === '@xstate.event').map((m) => m.event!.type)).toEqual(events.map((e) => e.type));
    expect(JSON.stringify(relay.messages)).not.toMatch(/scrypt\$/);
    await relay.close();
  });

  it('replay --inspect with no inspector listening exits 7 with one line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'camus-inspect-'));
    await append({ dataDir }, fixture('two-person-call'));
    const run = await runCli(['two-person-call', '--inspect', `ws://127.0.0.1:${await freePort()}`], { DATA_DIR: dataDir });
    expect(run.code).toBe(7);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('cannot reach the inspector');
  });

  it('INSPECT streams the live server’s actors and facts as they happen', async () => {
    const relay = await inspectorRelay();
    const server = await startServer({ database: 'sqlite', env: { INSPECT: relay.url } });
    servers.push(server);
    const slug = await createRoom(server.baseUrl, 'Inspected live');
    const clients = await joinAll(server, slug, 2);
    await until(() => relay.messages.some((m) => m.type === '@xstate.event' && m.event?.type === 'SocketConnected'));
    const room = relay.messages.filter((m) => m.sessionId === `room-${slug}`);
    expect(room.map((m) => m.type)).toContain('@xstate.actor');
    expect(room.filter((m) => m.type === '@xstate.event').map((m) => m.event!.type)).toEqual(['RoomCreated', 'ClientJoined', 'ClientJoined']);
    await closeAll(clients);
    await relay.close();
  });
});
