// The wire table of /work/shared/notes/wire-format.md, row by row, against the real server over real websockets.
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, databaseFor } from '../support/postgres-url.ts';
import { admit, createRoom } from '../support/admission.ts';
import { fakeCandidate, fakeSdp } from '../support/fake-signals.ts';
import { GROUND_CONTROL, ProtocolClient, closeAll, joinAll, roomInfoIds, tryUpgrade, socketUrl, type Frame } from '../support/protocol-client.ts';
import { killLeftovers, leakedSecrets, rememberSecret, secretCount, startServer, type RunningServer } from '../support/server.ts';

afterAll(killLeftovers);

const TURN_SECRET = `turn-secret-${randomBytes(12).toString('hex')}`;
const TURN_TTL_SECONDS = 3600;
const SILENCE_MS = 400;

describe.each(DATABASES)('wire contract (%s)', (kind) => {
  let server: RunningServer;
  const clients: ProtocolClient[] = [];
  let rooms = 0;

  beforeAll(async () => {
    rememberSecret(TURN_SECRET);
    server = await startServer({
      database: await databaseFor(kind),
      env: {
        STUN_HOST: 'stun.camus.test',
        STUN_PORT: '3479',
        TURN_HOST: 'turn.camus.test',
        TURN_PORT: '5349',
        TURN_STATIC_AUTH_SECRET: TURN_SECRET,
        TURN_TTL_SECONDS: String(TURN_TTL_SECONDS),
      },
    });
  });
  afterAll(async () => {
    await closeAll(clients);
    await server?.stop();
  });

  const newRoom = async (): Promise<string> => createRoom(server.baseUrl, `Wire ${kind} ${++rooms}`);
  const people = async (count: number): Promise<ProtocolClient[]> => {
    const joined = await joinAll(server, await newRoom(), count);
    clients.push(...joined);
    return joined;
  };

  it('ping → pong with the identical data, addressed to the client id (learned from the first pong)', async () => {
    const slug = await newRoom();
    const admission = await admit(server.baseUrl, slug, { via: 'api' });
    const client = await ProtocolClient.connect(server.wsBaseUrl, admission, { handshake: false });
    clients.push(client);
    const id = admission.clientId!;
    expect(id).toMatch(/^[0-9a-f]{32}$/);

    client.send({ receiver: GROUND_CONTROL, type: 'ping', data: 1615918847680 });
    const pong = await client.next('pong');
    expect(client.raw(pong)).toBe(`{"sender":"ground control","receiver":"${id}","type":"pong","data":1615918847680}`);

    // The original server's own pings carried float seconds; whatever number comes back is the one sent.
    client.send({ receiver: GROUND_CONTROL, type: 'ping', data: 1615918847.68 });
    expect(client.raw(await client.next('pong'))).toBe(`{"sender":"ground control","receiver":"${id}","type":"pong","data":1615918847.68}`);
  });

  it('the original client greeting: pong, ice-servers and room-info replies, id from the pong receiver', async () => {
    const slug = await newRoom();
    const admission = await admit(server.baseUrl, slug, { via: 'api' });
    const client = await ProtocolClient.connect(server.wsBaseUrl, admission);
    clients.push(client);
    expect(client.id).toBe(admission.clientId);
    expect(client.hello.iceServers?.receiver).toBe(client.id);
    expect(client.hello.roomInfo).toEqual({
      sender: GROUND_CONTROL,
      receiver: client.id,
      type: 'room-info',
      data: { room_id: slug, clients: [{ id: client.id, username: 'Major Tom' }] },
    });
  });

  it('get-room-info → room-info {room_id, clients:[{id, username}]} with the default username "Major Tom"', async () => {
    const [a, b] = await people(2);
    b!.send({ receiver: GROUND_CONTROL, type: 'get-room-info' });
    const info = await b!.next('room-info');
    const slug = b!.admission!.slug;
    expect(b!.raw(info)).toBe(
      `{"sender":"ground control","receiver":"${b!.id}","type":"room-info","data":{"room_id":"${slug}","clients":` +
        `[{"id":"${a!.id}","username":"Major Tom"},{"id":"${b!.id}","username":"Major Tom"}]}}`,
    );
    await a!.expectNothing('room-info', SILENCE_MS);
  });

  it('profile → no direct reply; room-info broadcast to every client, each copy addressed to its receiver', async () => {
    const group = await people(3);
    const [bill] = group;
    bill!.send({ sender: group[2]!.id, receiver: GROUND_CONTROL, type: 'profile', data: { username: 'Bill' } });
    const expectedClients = group.map((c) => ({ id: c.id, username: c === bill ? 'Bill' : 'Major Tom' }));
    for (const client of group) {
      const info = await client.next('room-info');
      expect(info).toEqual({
        sender: GROUND_CONTROL,
        receiver: client.id,
        type: 'room-info',
        data: { room_id: bill!.admission!.slug, clients: expectedClients },
      });
    }
    // One copy each and nothing else: no second reply to the sender.
    await Promise.all(group.map((c) => c.expectNothing(() => true, SILENCE_MS)));
  });

  it('get-ice-servers → STUN, and TURN with username "<expiry>:<client id>" and credential base64(HMAC-SHA1(secret, username))', async () => {
    const [client] = await people(1);
    const before = Math.floor(Date.now() / 1000);
    client!.send({ receiver: GROUND_CONTROL, type: 'get-ice-servers' });
    const frame = await client!.next('ice-servers');
    const after = Math.floor(Date.now() / 1000);
    expect(frame.sender).toBe(GROUND_CONTROL);
    expect(frame.receiver).toBe(client!.id);
    const servers = frame.data as { urls: string[]; username?: string; credential?: string }[];
    const username = servers[1]?.username ?? '';
    const match = /^(\d+):([0-9a-f]{32})$/.exec(username);
    expect(match, `TURN username ${username}`).not.toBeNull();
    expect(match![2]).toBe(client!.id);
    const expiry = Number(match![1]);
    expect(expiry).toBeGreaterThanOrEqual(before + TURN_TTL_SECONDS);
    expect(expiry).toBeLessThanOrEqual(after + TURN_TTL_SECONDS);
    const credential = createHmac('sha1', TURN_SECRET).update(username).digest('base64');
    expect(servers).toEqual([
      { urls: ['stun:stun.camus.test:3479'] },
      { urls: ['turn:turn.camus.test:5349'], username, credential },
    ]);
  });

  it('text to "room" reaches everyone in the room, the sender included, with sender set by the server', async () => {
    const group = await people(3);
    const [ted, , other] = group;
    const data = { from: 'Ted', time: 1615918847680, text: `All we are is dust in the wind, dude ${randomBytes(4).toString('hex')}` };
    ted!.send({ sender: other!.id, receiver: 'room', type: 'text', data });
    for (const client of group) {
      const text = await client.next('text');
      expect(client.raw(text)).toBe(`{"sender":"${ted!.id}","receiver":"room","type":"text","data":${JSON.stringify(data)}}`);
    }
    await Promise.all(group.map((c) => c.expectNothing('text', SILENCE_MS)));
  });

  it.each<[string, () => unknown]>([
    ['offer', () => ({ type: 'offer', sdp: fakeSdp('offer', randomBytes(8).toString('hex')) })],
    ['answer', () => ({ type: 'answer', sdp: fakeSdp('answer', randomBytes(8).toString('hex')) })],
    ['icecandidate', () => fakeCandidate(7)],
    ['bye', () => 1615919897795],
    ['text', () => ({ from: 'Bill', time: 1615918847680, text: `psst, just for you ${randomBytes(4).toString('hex')}` })],
  ])('%s to a client id is relayed to that client only, with a forged sender replaced', async (type, makeData) => {
    const [from, to, bystander] = await people(3);
    const data = makeData();
    from!.send({ sender: bystander!.id, receiver: to!.id, type, data });
    const relayed = await to!.next(type);
    expect(to!.raw(relayed)).toBe(`{"sender":"${from!.id}","receiver":"${to!.id}","type":"${type}","data":${JSON.stringify(data)}}`);
    await Promise.all([from!.expectNothing(() => true, SILENCE_MS), bystander!.expectNothing(() => true, SILENCE_MS)]);
    // A relayed bye does not take anyone out of the room.
    await to!.expectNothing(() => true, 0);
    from!.send({ receiver: GROUND_CONTROL, type: 'get-room-info' });
    expect(roomInfoIds(await from!.next('room-info'))).toEqual([from!.id, to!.id, bystander!.id]);
  });

  it('bye to ground control: the server closes the socket and everyone left gets room-info without the leaver', async () => {
    const [leaver, b, c] = await people(3);
    leaver!.send({ receiver: GROUND_CONTROL, type: 'bye', data: Date.now() });
    const closed = await leaver!.waitClosed();
    expect(closed.code).toBe(1000);
    for (const client of [b!, c!]) {
      const info = await client.next('room-info');
      expect(info).toEqual({
        sender: GROUND_CONTROL,
        receiver: client.id,
        type: 'room-info',
        data: { room_id: leaver!.admission!.slug, clients: [{ id: b!.id, username: 'Major Tom' }, { id: c!.id, username: 'Major Tom' }] },
      });
    }
    expect(leaver!.pending()).toEqual([]);
    // The seat is gone: the leaver's cookie no longer opens the room's socket.
    const again = await tryUpgrade(socketUrl(server.wsBaseUrl, leaver!.admission!.slug), { Cookie: leaver!.admission!.cookie });
    again.socket?.close();
    expect(again.status).toBe(403);
  });

  it('greeting and pong to ground control are accepted with no reply', async () => {
    const [client, peer] = await people(2);
    client!.send({ receiver: GROUND_CONTROL, type: 'greeting', data: 'This is Major Tom to Ground Control' });
    client!.send({ receiver: GROUND_CONTROL, type: 'pong', data: 1615918847680 });
    await client!.expectNothing(() => true, SILENCE_MS);
    await peer!.expectNothing(() => true, 0);
    // Still open, and the next frame is the answer to the next request.
    const pong = await client!.ping();
    expect(client!.frames.at(-1)).toBe(pong);
  });

  it('an unknown type gets exactly the original error frame, and the socket stays open', async () => {
    const [client] = await people(1);
    client!.send({ receiver: GROUND_CONTROL, type: 'frobnicate', data: null });
    const error = await client!.next('error');
    expect(client!.raw(error)).toBe(`{"sender":"ground control","receiver":"${client!.id}","type":"error","data":"Unknown message type: frobnicate"}`);
    await client!.ping();
  });

  it('every frame the server sent has exactly sender, receiver, type and data', () => {
    const frames: Frame[] = clients.flatMap((c) => c.frames);
    expect(frames.length).toBeGreaterThan(30);
    for (const frame of frames) expect(Object.keys(frame)).toEqual(['sender', 'receiver', 'type', 'data']);
  });

  it('the server log holds no password, session cookie, SDP or chat text', () => {
    expect(server.output()).toContain('"message":"listening"');
    // Cookies, SDP lines, candidates, chat texts and the TURN secret of this suite are all being looked for.
    expect(secretCount()).toBeGreaterThan(20);
    expect(leakedSecrets([server])).toEqual([]);
  });
});
