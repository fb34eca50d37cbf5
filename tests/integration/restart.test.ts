// Restarts: the log rebuilds every room, and sessions survive because secret.key is kept in DATA_DIR.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASES, databaseFor, type DatabaseKind } from '../support/postgres-url.ts';
import { admit, createRoom } from '../support/admission.ts';
import { GROUND_CONTROL, ProtocolClient, closeAll, joinAll, roomInfoIds } from '../support/protocol-client.ts';
import { killLeftovers, leakedSecrets, makeDataDir, secretCount, startServer, type DatabaseChoice, type RunningServer } from '../support/server.ts';

afterAll(killLeftovers);

describe.each(DATABASES)('restart (%s)', (kind: DatabaseKind) => {
  const servers: RunningServer[] = [];
  const clients: ProtocolClient[] = [];
  afterAll(async () => {
    await closeAll(clients);
    await Promise.all(servers.map((s) => s.stop()));
  });

  const start = async (dataDir: string, database: DatabaseChoice) => {
    const server = await startServer({ dataDir, database });
    servers.push(server);
    return server;
  };
  const setName = async (client: ProtocolClient, everyone: ProtocolClient[], username: string) => {
    client.send({ receiver: GROUND_CONTROL, type: 'profile', data: { username } });
    // The broadcast goes out only once the change is in the log.
    await Promise.all(everyone.map((c) => c.next((f) => f.type === 'room-info' && JSON.stringify(f.data).includes(username))));
  };
  const reconnect = async (server: RunningServer, client: ProtocolClient) => {
    const again = await ProtocolClient.connect(server.wsBaseUrl, client.admission!);
    clients.push(again);
    return again;
  };

  it.each([
    ['SIGTERM', (s: RunningServer) => s.stop()],
    ['SIGKILL', (s: RunningServer) => s.kill()],
  ] as const)('after %s the same cookies reconnect as the same ids, usernames kept; the room takes newcomers', async (signal, halt) => {
    const dataDir = await makeDataDir();
    const database = await databaseFor(kind);
    const before = await start(dataDir, database);
    const slug = await createRoom(before.baseUrl, `Restart ${signal} ${kind}`);
    const quiet = await createRoom(before.baseUrl, `Quiet ${signal} ${kind}`, { guestLimit: 3 });
    const [bill, ted] = (await joinAll(before, slug, 2)) as [ProtocolClient, ProtocolClient];
    clients.push(bill, ted);
    await setName(bill, [bill, ted], 'Bill S. Preston');
    await setName(ted, [bill, ted], 'Ted Logan');
    const key = await readFile(join(dataDir, 'secret.key'), 'utf8');

    const exit = await halt(before);
    expect(exit).toEqual(signal === 'SIGTERM' ? { code: 0, signal: null } : { code: null, signal: 'SIGKILL' });
    await Promise.all([bill.waitClosed(), ted.waitClosed()]);

    const after = await start(dataDir, database);
    expect(after.output()).toMatch(/"message":"rooms rebuilt from the event log","events":\d+,"rooms":2/);
    expect(await readFile(join(dataDir, 'secret.key'), 'utf8')).toBe(key);

    const bill2 = await reconnect(after, bill);
    expect(bill2.id).toBe(bill.id);
    const ted2 = await reconnect(after, ted);
    expect(ted2.id).toBe(ted.id);
    const expected = {
      room_id: slug,
      clients: [
        { id: bill.id, username: 'Bill S. Preston' },
        { id: ted.id, username: 'Ted Logan' },
      ],
    };
    expect(ted2.hello.roomInfo?.data).toEqual(expected);
    bill2.clear();
    bill2.send({ receiver: GROUND_CONTROL, type: 'get-room-info' });
    expect((await bill2.next('room-info')).data).toEqual(expected);

    // Signaling works across the restart.
    bill2.send({ receiver: ted2.id, type: 'bye', data: 1 });
    expect((await ted2.next('bye')).sender).toBe(bill2.id);

    // A new person gets into the room from before the restart, and into the one nobody had joined yet.
    const rufus = await ProtocolClient.connect(after.wsBaseUrl, await admit(after.baseUrl, slug, { via: 'api' }));
    clients.push(rufus);
    expect(roomInfoIds(rufus.hello.roomInfo!)).toEqual([bill.id, ted.id, rufus.id]);
    const loner = await ProtocolClient.connect(after.wsBaseUrl, await admit(after.baseUrl, quiet));
    clients.push(loner);
    expect(loner.hello.roomInfo?.data).toEqual({ room_id: quiet, clients: [{ id: loner.id, username: 'Major Tom' }] });
    await after.stop();
  });

  it('the server log holds no password, session cookie, SDP or chat text', () => {
    expect(servers).toHaveLength(4);
    expect(secretCount()).toBeGreaterThan(5);
    expect(leakedSecrets(servers)).toEqual([]);
  });
});
