// Admission over HTTP (API, pages, forms) and the websocket handshake's session and origin checks.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, databaseFor } from '../support/postgres-url.ts';
import { admit, createRoom, getPage, postForm, postJson, sessionCookieOf, type HttpResult } from '../support/admission.ts';
import { ProtocolClient, closeAll, socketUrl, tryUpgrade } from '../support/protocol-client.ts';
import { killLeftovers, leakedSecrets, rememberSecret, secretCount, startServer, type RunningServer } from '../support/server.ts';

afterAll(killLeftovers);

const password = () => {
  const value = `pw-${randomBytes(9).toString('base64url')}`;
  rememberSecret(value);
  return value;
};

describe.each(DATABASES)('HTTP admission and websocket handshake (%s)', (kind) => {
  let server: RunningServer;
  const clients: ProtocolClient[] = [];
  /** Wrong passwords sent from 127.0.0.1 to this server: the lobby allows 5 per address in 15 minutes. */
  let wrongPasswords = 0;

  beforeAll(async () => {
    server = await startServer({ database: await databaseFor(kind) });
  });
  afterAll(async () => {
    await closeAll(clients);
    await server?.stop();
  });

  const upgrade = async (slug: string, headers: Record<string, string>) => {
    const result = await tryUpgrade(socketUrl(server.wsBaseUrl, slug), headers);
    result.socket?.close();
    return result;
  };
  const reason = (response: HttpResult) => response.json<{ error: string; reason: string }>();

  describe('creating rooms', () => {
    it('POST /api/rooms → 201 {slug} with Location; a public room is listed by GET /api/rooms', async () => {
      const created = await postJson(server.baseUrl, '/api/rooms', { name: `Excellent Adventure ${kind}`, public: true, guestLimit: 5 });
      expect(created.status).toBe(201);
      expect(created.json()).toEqual({ slug: `excellent-adventure-${kind}` });
      expect(created.headers.get('location')).toBe(`/room/excellent-adventure-${kind}`);
      const hidden = await postJson(server.baseUrl, '/api/rooms', { name: `Bogus Journey ${kind}` });
      expect(hidden.status).toBe(201);

      const list = await getPage(server.baseUrl, '/api/rooms');
      expect(list.status).toBe(200);
      const rooms = list.json<{ slug: string; name: string; participants: number; guestLimit: number | null }[]>();
      expect(rooms.find((r) => r.slug === `excellent-adventure-${kind}`)).toMatchObject({
        name: `Excellent Adventure ${kind}`,
        participants: 0,
        guestLimit: 5,
      });
      expect(rooms.some((r) => r.slug === `bogus-journey-${kind}`)).toBe(false);
    });

    it('the / form (name, password, public=on, guestLimit) → 303 to /room/<slug>, and the room has those settings', async () => {
      const secret = password();
      const response = await postForm(server.baseUrl, '/', { name: `Form Made ${kind}`, password: secret, public: 'on', guestLimit: '3' });
      expect(response.status).toBe(303);
      const slug = `form-made-${kind}`;
      expect(response.headers.get('location')).toBe(`/room/${slug}`);

      const listed = (await getPage(server.baseUrl, '/api/rooms')).json<{ slug: string; guestLimit: number | null }[]>();
      expect(listed.find((r) => r.slug === slug)?.guestLimit).toBe(3);
      // A password room shows its form first.
      const page = await getPage(server.baseUrl, `/room/${slug}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('name="password"');
      expect(page.setCookies).toEqual([]);
      await admit(server.baseUrl, slug, { password: secret });
    });

    it('a taken name (same slug) → 409 with a reason naming it, from the API and from the form', async () => {
      await createRoom(server.baseUrl, `Wyld Stallyns ${kind}`);
      const again = await postJson(server.baseUrl, '/api/rooms', { name: `wyld  stallyns-${kind}` });
      expect(again.status).toBe(409);
      expect(reason(again)).toEqual({ error: 'taken', reason: `The room name "wyld  stallyns-${kind}" is not available` });
      const form = await postForm(server.baseUrl, '/', { name: `Wyld Stallyns ${kind}` });
      expect(form.status).toBe(409);
      expect(form.body).toContain(`The room name "Wyld Stallyns ${kind}" is not available`);
    });

    it.each([
      ['an empty name', { name: '   ' }, 'name: must not be empty'],
      ['no name', { public: true }, 'name: required, a string'],
      ['a name without letters or digits', { name: '!!!' }, 'name: must contain at least one letter or digit'],
      ['guestLimit 0', { name: 'Zero Guests', guestLimit: 0 }, 'guestLimit: a whole number from 1 to 100, or null for no limit'],
      ['guestLimit 2.5', { name: 'Fractional Guests', guestLimit: 2.5 }, 'guestLimit: a whole number from 1 to 100, or null for no limit'],
      ['public as a string', { name: 'Stringly Public', public: 'yes' }, 'public: must be true or false'],
      ['a JSON array', [{ name: 'Array Room' }], 'Expected a JSON object'],
    ])('POST /api/rooms with %s → 400 with the reason', async (_name, body, expected) => {
      const response = await postJson(server.baseUrl, '/api/rooms', body);
      expect(response.status).toBe(400);
      expect(reason(response)).toEqual({ error: 'invalid', reason: expected });
    });

    it('POST /api/rooms with a body that is not JSON → 400', async () => {
      const response = await postJson(server.baseUrl, '/api/rooms', '{"name": "Half', { raw: true });
      expect(response.status).toBe(400);
      expect(reason(response)).toEqual({ error: 'invalid', reason: 'The body is not valid JSON' });
    });

    it('POST /api/rooms with a content type other than JSON → 415 with the reason', async () => {
      const response = await postJson(server.baseUrl, '/api/rooms', '<room name="x"/>', { raw: true, contentType: 'application/xml' });
      expect(response.status).toBe(415);
      expect(reason(response)).toEqual({ error: 'unsupported-media-type', reason: 'Send the body as application/json' });
    });

    it('the / form with an empty name or guest limit 0 → 400 with the reason; no room is made', async () => {
      const empty = await postForm(server.baseUrl, '/', { name: '' });
      expect(empty.status).toBe(400);
      expect(empty.body).toContain('name: must not be empty');
      const limit = await postForm(server.baseUrl, '/', { name: `Limit Text ${kind}`, guestLimit: 'lots' });
      expect(limit.status).toBe(400);
      expect(limit.body).toContain('guestLimit: choose a number of guests or no limit');
      expect((await getPage(server.baseUrl, `/room/limit-text-${kind}`)).status).toBe(404);
    });
  });

  describe('room pages and joining', () => {
    it('unknown room → 404 (page, API join and websocket); /room/<slug>/ → 404 even for a room that exists', async () => {
      expect((await getPage(server.baseUrl, '/room/no-such-room')).status).toBe(404);
      const join = await postJson(server.baseUrl, '/api/rooms/no-such-room/join', {});
      expect(join.status).toBe(404);
      expect(reason(join)).toEqual({ error: 'not-found', reason: 'Room not found' });
      expect((await upgrade('no-such-room', {})).status).toBe(404);

      const slug = await createRoom(server.baseUrl, `Trailing ${kind}`);
      const slash = await getPage(server.baseUrl, `/room/${slug}/`);
      expect(slash.status).toBe(404);
      expect(slash.setCookies).toEqual([]);
    });

    it('a room without password admits on a plain GET with an HttpOnly cookie for that room only; each admission is a new client', async () => {
      const slug = await createRoom(server.baseUrl, `Open Door ${kind}`);
      const first = await getPage(server.baseUrl, `/room/${slug}`);
      expect(first.status).toBe(200);
      const cookie = sessionCookieOf(first.setCookies);
      expect(cookie).toBeDefined();
      rememberSecret(cookie!.token);
      const attributes = cookie!.setCookie.split(';').map((a) => a.trim().toLowerCase());
      expect(attributes).toContain(`path=/room/${slug}`);
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=lax');
      expect(attributes).not.toContain('secure');

      const a = await ProtocolClient.connect(server.wsBaseUrl, { slug, token: cookie!.token, cookie: `camus_session=${cookie!.token}`, setCookie: '', clientId: undefined });
      const b = await ProtocolClient.connect(server.wsBaseUrl, await admit(server.baseUrl, slug));
      clients.push(a, b);
      expect(a.id).toMatch(/^[0-9a-f]{32}$/);
      expect(b.id).not.toBe(a.id);

      // Reloading the page with the cookie is the same person, not a new seat.
      const reload = await getPage(server.baseUrl, `/room/${slug}`, `camus_session=${cookie!.token}`);
      expect(reload.status).toBe(200);
      expect(reload.setCookies).toEqual([]);
      expect(reload.body).toContain(a.id);
    });

    it('a password room: GET shows the form and sets no cookie; wrong password → 401; the right one → 303 with the cookie', async () => {
      const secret = password();
      const slug = await createRoom(server.baseUrl, `Locked ${kind}`, { password: secret });
      const page = await getPage(server.baseUrl, `/room/${slug}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<input name="password" type="password"');
      expect(page.setCookies).toEqual([]);

      wrongPasswords++;
      const wrong = await postForm(server.baseUrl, `/room/${slug}`, { password: `${secret}-nope` });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toContain('Invalid password');
      expect(wrong.setCookies).toEqual([]);

      const right = await postForm(server.baseUrl, `/room/${slug}`, { password: secret });
      expect(right.status).toBe(303);
      expect(right.headers.get('location')).toBe(`/room/${slug}`);
      const cookie = sessionCookieOf(right.setCookies);
      expect(cookie?.setCookie).toContain(`Path=/room/${slug}`);
      const client = await ProtocolClient.connect(server.wsBaseUrl, { slug, token: cookie!.token, cookie: `camus_session=${cookie!.token}`, setCookie: '', clientId: undefined });
      clients.push(client);
      expect(client.hello.roomInfo?.data).toEqual({ room_id: slug, clients: [{ id: client.id, username: 'Major Tom' }] });
    });

    it('API join to a password room: no password 401, wrong 401, right 200 {clientId} with the cookie', async () => {
      const secret = password();
      const slug = await createRoom(server.baseUrl, `Locked Api ${kind}`, { password: secret });
      const none = await postJson(server.baseUrl, `/api/rooms/${slug}/join`, {});
      expect(none.status).toBe(401);
      expect(reason(none)).toEqual({ error: 'password-required', reason: 'This room needs a password' });
      expect(none.setCookies).toEqual([]);

      wrongPasswords++;
      const wrong = await postJson(server.baseUrl, `/api/rooms/${slug}/join`, { password: secret.toUpperCase() });
      expect(wrong.status).toBe(401);
      expect(reason(wrong)).toEqual({ error: 'wrong-password', reason: 'Invalid password' });
      expect(wrong.setCookies).toEqual([]);

      const right = await postJson(server.baseUrl, `/api/rooms/${slug}/join`, { password: secret });
      expect(right.status).toBe(200);
      const { clientId } = right.json<{ clientId: string }>();
      const cookie = sessionCookieOf(right.setCookies)!;
      expect(cookie.setCookie).toContain(`Path=/room/${slug}`);
      expect(cookie.token.startsWith(`${clientId}.`)).toBe(true);
      const client = await ProtocolClient.connect(server.wsBaseUrl, { slug, token: cookie.token, cookie: `camus_session=${cookie.token}`, setCookie: '', clientId });
      clients.push(client);
      expect(client.id).toBe(clientId);
    });

    it('guest limit 2: the third admission is refused with 418 "Guest limit already reached" (page and API)', async () => {
      const slug = await createRoom(server.baseUrl, `Two Seats ${kind}`, { guestLimit: 2 });
      await admit(server.baseUrl, slug, { via: 'api' });
      await admit(server.baseUrl, slug);
      const page = await getPage(server.baseUrl, `/room/${slug}`);
      expect(page.status).toBe(418);
      expect(page.body).toContain('Guest limit already reached');
      expect(page.setCookies).toEqual([]);
      const api = await postJson(server.baseUrl, `/api/rooms/${slug}/join`, {});
      expect(api.status).toBe(418);
      expect(reason(api)).toEqual({ error: 'room-full', reason: 'Guest limit already reached' });
    });

    it('20 parallel API joins to a room with guest limit 5: exactly 5 get in', async () => {
      const slug = await createRoom(server.baseUrl, `Five Seats ${kind}`, { guestLimit: 5 });
      const responses = await Promise.all(Array.from({ length: 20 }, () => postJson(server.baseUrl, `/api/rooms/${slug}/join`, {})));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(5).fill(200), ...Array(15).fill(418)]);
      const ids = new Set(responses.filter((r) => r.status === 200).map((r) => r.json<{ clientId: string }>().clientId));
      expect(ids.size).toBe(5);
      for (const r of responses) if (r.status === 200) rememberSecret(sessionCookieOf(r.setCookies)?.token);
    });
  });

  describe('websocket handshake', () => {
    it('no cookie → 403 before the upgrade', async () => {
      const slug = await createRoom(server.baseUrl, `No Cookie ${kind}`);
      await admit(server.baseUrl, slug);
      const result = await upgrade(slug, {});
      expect(result.status).toBe(403);
    });

    it("room A's cookie on room B's socket → 403 (a session admits to one room only)", async () => {
      const roomA = await createRoom(server.baseUrl, `Cookie Room A ${kind}`);
      const roomB = await createRoom(server.baseUrl, `Cookie Room B ${kind}`);
      const inA = await admit(server.baseUrl, roomA);
      await admit(server.baseUrl, roomB);
      expect((await upgrade(roomB, { Cookie: inA.cookie })).status).toBe(403);
      expect((await upgrade(roomA, { Cookie: inA.cookie })).status).toBe(101);
    });

    it('forged or garbled cookies → 403', async () => {
      const slug = await createRoom(server.baseUrl, `Forgery ${kind}`);
      const real = await admit(server.baseUrl, slug);
      const [clientId, issued, signature] = real.token.split('.') as [string, string, string];
      const other = await admit(server.baseUrl, slug);
      const otherId = other.token.split('.')[0]!;
      const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
      const forgeries = [
        'garbage',
        '',
        `${clientId}.${issued}.${flipped}`,
        `${otherId}.${issued}.${signature}`,
        `${clientId}.${(parseInt(issued, 36) + 1).toString(36)}.${signature}`,
        `${clientId}.${issued}`,
        `${real.token}.${signature}`,
        'x'.repeat(300),
      ];
      for (const token of forgeries) {
        const result = await upgrade(slug, { Cookie: `camus_session=${token}` });
        expect(result.status, `cookie ${token.slice(0, 80)}`).toBe(403);
      }
      expect((await upgrade(slug, { Cookie: real.cookie })).status).toBe(101);
    });

    it('an Origin from another site → 403; the same origin → accepted', async () => {
      const slug = await createRoom(server.baseUrl, `Origins ${kind}`);
      const admitted = await admit(server.baseUrl, slug);
      // The host is compared, not the scheme: behind a TLS proxy the page is https while this server speaks http.
      for (const origin of ['http://evil.example', `http://127.0.0.1.evil.example:${server.port}`, `http://localhost:${server.port}`, `http://127.0.0.1:${server.port + 1}`, 'null']) {
        expect((await upgrade(slug, { Cookie: admitted.cookie, Origin: origin })).status, origin).toBe(403);
      }
      expect((await upgrade(slug, { Cookie: admitted.cookie, Origin: `http://127.0.0.1:${server.port}` })).status).toBe(101);
    });
  });

  it('wrong passwords are limited per address: after 5 in 15 minutes → 429 with Retry-After, even for the right one', async () => {
    const secret = password();
    const slug = await createRoom(server.baseUrl, `Brute Force ${kind}`, { password: secret });
    expect(wrongPasswords).toBe(2);
    while (wrongPasswords < 5) {
      wrongPasswords++;
      const wrong = await postJson(server.baseUrl, `/api/rooms/${slug}/join`, { password: `guess-${wrongPasswords}-${secret}` });
      expect(wrong.status).toBe(401);
    }
    for (const attempt of [`guess-6-${secret}`, secret]) {
      const limited = await postJson(server.baseUrl, `/api/rooms/${slug}/join`, { password: attempt });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(800);
      expect(reason(limited).error).toBe('rate-limited');
    }
    const form = await postForm(server.baseUrl, `/room/${slug}`, { password: secret });
    expect(form.status).toBe(429);
  });

  it('the server log holds no password, session cookie, SDP or chat text', () => {
    expect(secretCount()).toBeGreaterThan(20);
    expect(leakedSecrets([server])).toEqual([]);
  });
});
