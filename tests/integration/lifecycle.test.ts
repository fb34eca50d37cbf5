// Leaving, dropping, reconnecting and idle rooms, with a 1 s reconnect grace and a 2 s room idle time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, databaseFor } from '../support/postgres-url.ts';
import { admit, createRoom, getPage, postJson, sessionCookieOf } from '../support/admission.ts';
import { GROUND_CONTROL, ProtocolClient, closeAll, joinAll, roomInfoIds, socketUrl, tryUpgrade, type Frame } from '../support/protocol-client.ts';
import { killLeftovers, leakedSecrets, secretCount, startServer, type RunningServer } from '../support/server.ts';

afterAll(killLeftovers);

const GRACE_MS = 1000;
const IDLE_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DATABASES)('leaving and timeouts (%s)', (kind) => {
  let server: RunningServer;
  const clients: ProtocolClient[] = [];
  let rooms = 0;

  beforeAll(async () => {
    server = await startServer({
      database: await databaseFor(kind),
      env: { RECONNECT_GRACE_SECONDS: String(GRACE_MS / 1000), ROOM_IDLE_SECONDS: String(IDLE_MS / 1000) },
    });
  });
  afterAll(async () => {
    await closeAll(clients);
    await server?.stop();
  });

  const people = async (count: number, options: { public?: boolean } = {}): Promise<ProtocolClient[]> => {
    const slug = await createRoom(server.baseUrl, `Life ${kind} ${++rooms}`, options);
    const joined = await joinAll(server, slug, count);
    clients.push(...joined);
    return joined;
  };
  const upgradeStatus = async (slug: string, cookie: string) => {
    const result = await tryUpgrade(socketUrl(server.wsBaseUrl, slug), { Cookie: cookie });
    result.socket?.close();
    return result.status;
  };

  it('a socket closed without bye: after the grace the others get room-info without it', async () => {
    const [dropped, b, c] = await people(3);
    await dropped!.close(1001);
    const closedAt = Date.now();
    const info = await b!.next('room-info', GRACE_MS + 3000);
    const elapsed = Date.now() - closedAt;
    expect(elapsed).toBeGreaterThanOrEqual(GRACE_MS - 100);
    expect(info).toEqual({
      sender: GROUND_CONTROL,
      receiver: b!.id,
      type: 'room-info',
      data: { room_id: b!.admission!.slug, clients: [{ id: b!.id, username: 'Major Tom' }, { id: c!.id, username: 'Major Tom' }] },
    });
    expect(roomInfoIds(await c!.next('room-info'))).toEqual([b!.id, c!.id]);
  });

  it('a reconnect within the grace (same cookie) keeps the same id, and the others never see it leave', async () => {
    const [a, b] = await people(2);
    await a!.terminate();
    const back = await ProtocolClient.connect(server.wsBaseUrl, a!.admission!);
    clients.push(back);
    expect(back.id).toBe(a!.id);
    expect(roomInfoIds(back.hello.roomInfo!)).toEqual([a!.id, b!.id]);

    await sleep(GRACE_MS * 2.5);
    const seen: Frame[] = b!.pending().filter((f) => f.type === 'room-info');
    expect(seen.length).toBeGreaterThanOrEqual(1);
    for (const info of seen) expect(roomInfoIds(info)).toEqual([a!.id, b!.id]);
    b!.send({ receiver: GROUND_CONTROL, type: 'get-room-info' });
    b!.clear();
    expect(roomInfoIds(await b!.next('room-info'))).toEqual([a!.id, b!.id]);
  });

  it('a second socket with the same cookie closes the first with 4001 and keeps the seat', async () => {
    const [a, b] = await people(2);
    const second = await ProtocolClient.connect(server.wsBaseUrl, a!.admission!);
    clients.push(second);
    expect(await a!.waitClosed()).toEqual({ code: 4001, reason: 'replaced by a newer connection' });
    expect(second.id).toBe(a!.id);

    await sleep(GRACE_MS * 2);
    second.send({ receiver: b!.id, type: 'bye', data: 1 });
    expect((await b!.next('bye')).sender).toBe(a!.id);
    b!.clear();
    b!.send({ receiver: GROUND_CONTROL, type: 'get-room-info' });
    expect(roomInfoIds(await b!.next('room-info'))).toEqual([a!.id, b!.id]);
  });

  it("after the grace expired the old cookie's socket is refused with 403; its page admits a new person", async () => {
    const [a, b] = await people(2);
    await a!.close();
    expect(roomInfoIds(await b!.next('room-info', GRACE_MS + 3000))).toEqual([b!.id]);
    const slug = a!.admission!.slug;
    expect(await upgradeStatus(slug, a!.admission!.cookie)).toBe(403);

    const page = await getPage(server.baseUrl, `/room/${slug}`, a!.admission!.cookie);
    expect(page.status).toBe(200);
    const fresh = sessionCookieOf(page.setCookies);
    expect(fresh).toBeDefined();
    expect(fresh!.token.split('.')[0]).not.toBe(a!.id);
  });

  it('an empty room closes after the idle time: its page is 404 and its name can be created again', async () => {
    const [only] = await people(1, { public: true });
    const slug = only!.admission!.slug;
    const name = `Life ${kind} ${rooms}`;
    const listed = async () => (await getPage(server.baseUrl, '/api/rooms')).json<{ slug: string }[]>().some((r) => r.slug === slug);

    only!.send({ receiver: GROUND_CONTROL, type: 'bye', data: Date.now() });
    await only!.waitClosed();
    const emptyAt = Date.now();
    // Empty but not yet idle: still open (checked without admitting anyone).
    expect(await listed()).toBe(true);
    expect((await postJson(server.baseUrl, '/api/rooms', { name })).status).toBe(409);

    while (await listed()) {
      expect(Date.now() - emptyAt, 'the room should have closed by now').toBeLessThan(IDLE_MS + 4000);
      await sleep(100);
    }
    expect(Date.now() - emptyAt).toBeGreaterThanOrEqual(IDLE_MS - 300);
    expect((await getPage(server.baseUrl, `/room/${slug}`)).status).toBe(404);
    expect((await postJson(server.baseUrl, `/api/rooms/${slug}/join`, {})).status).toBe(404);
    expect(await upgradeStatus(slug, only!.admission!.cookie)).toBe(404);

    const again = await postJson(server.baseUrl, '/api/rooms', { name });
    expect(again.status).toBe(201);
    expect(again.json()).toEqual({ slug });
    const newcomer = await ProtocolClient.connect(server.wsBaseUrl, await admit(server.baseUrl, slug));
    clients.push(newcomer);
    expect(newcomer.hello.roomInfo?.data).toEqual({ room_id: slug, clients: [{ id: newcomer.id, username: 'Major Tom' }] });
    // The old session does not carry over into the new room of the same name.
    expect(await upgradeStatus(slug, only!.admission!.cookie)).toBe(403);
  });

  it('the server log holds no password, session cookie, SDP or chat text', () => {
    expect(secretCount()).toBeGreaterThan(10);
    expect(leakedSecrets([server])).toEqual([]);
  });
});
