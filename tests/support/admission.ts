// The HTTP side of a test client: pages, forms and the JSON API as a browser or a script calls them,
// and admission to a room (the session cookie a websocket then presents). Passwords and session ids
// are remembered as secrets, so the log checks can tell if a server ever printed one.
import { rememberSecret } from './server.ts';

export const SESSION_COOKIE = 'camus_session';

export interface Admitted {
  readonly slug: string;
  /** The camus_session cookie's value. */
  readonly token: string;
  /** `camus_session=<token>`, for a Cookie header. */
  readonly cookie: string;
  /** The Set-Cookie header as sent. */
  readonly setCookie: string;
  /** From the API's body; the page does not say. */
  readonly clientId: string | undefined;
}

export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`admission refused with HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  readonly setCookies: string[];
  json<T = Record<string, unknown>>(): T;
}

async function result(response: Response): Promise<HttpResult> {
  const body = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body,
    setCookies: response.headers.getSetCookie(),
    json: <T>() => JSON.parse(body) as T,
  };
}

/** A GET as a browser makes it (HTML accepted), redirects not followed. */
export async function getPage(baseUrl: string, path: string, cookie?: string): Promise<HttpResult> {
  const headers: Record<string, string> = { Accept: 'text/html' };
  if (cookie) headers.Cookie = cookie;
  return result(await fetch(new URL(path, baseUrl), { headers, redirect: 'manual' }));
}

/** A form POST as a browser submits it from a page of this site (same Origin, HTML accepted). */
export async function postForm(baseUrl: string, path: string, fields: Record<string, string>, cookie?: string): Promise<HttpResult> {
  const headers: Record<string, string> = {
    Accept: 'text/html',
    'Content-Type': 'application/x-www-form-urlencoded',
    Origin: new URL(baseUrl).origin,
  };
  if (cookie) headers.Cookie = cookie;
  for (const [key, value] of Object.entries(fields)) if (key === 'password') rememberSecret(value);
  return result(await fetch(new URL(path, baseUrl), { method: 'POST', headers, body: new URLSearchParams(fields).toString(), redirect: 'manual' }));
}

/** POST with a JSON body (or a raw string body with the given content type). */
export async function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  options: { contentType?: string; raw?: boolean } = {},
): Promise<HttpResult> {
  if (body && typeof body === 'object' && 'password' in body) rememberSecret(String((body as { password: unknown }).password));
  return result(
    await fetch(new URL(path, baseUrl), {
      method: 'POST',
      headers: { 'Content-Type': options.contentType ?? 'application/json', Accept: 'application/json' },
      body: options.raw ? (body as string) : JSON.stringify(body),
      redirect: 'manual',
    }),
  );
}

export interface RoomOptions {
  readonly password?: string;
  readonly public?: boolean;
  readonly guestLimit?: number | null;
}

/** Creates a room through the JSON API; returns its slug or throws with the server's answer. */
export async function createRoom(baseUrl: string, name: string, options: RoomOptions = {}): Promise<string> {
  const created = await postJson(baseUrl, '/api/rooms', { name, ...options });
  if (created.status !== 201) throw new Error(`creating room "${name}" failed with HTTP ${created.status}: ${created.body}`);
  return created.json<{ slug: string }>().slug;
}

/** The camus_session cookie in a response, if any. */
export function sessionCookieOf(setCookies: readonly string[]): { token: string; setCookie: string } | undefined {
  for (const header of setCookies) {
    const match = new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(header);
    if (match && match[1]) return { token: match[1], setCookie: header };
  }
  return undefined;
}

/**
 * Gets admitted to a room as a person would: through the room page (a plain GET, or the password form),
 * or through the JSON API. Throws HttpRefusal when the server says no.
 */
export async function admit(baseUrl: string, slug: string, options: { password?: string; via?: 'page' | 'api' } = {}): Promise<Admitted> {
  const path = `/room/${encodeURIComponent(slug)}`;
  rememberSecret(options.password);
  let response: HttpResult;
  let clientId: string | undefined;
  if (options.via === 'api') {
    response = await postJson(baseUrl, `/api/rooms/${encodeURIComponent(slug)}/join`, options.password === undefined ? {} : { password: options.password });
    if (response.status !== 200) throw new HttpRefusal(response.status, response.body);
    clientId = response.json<{ clientId: string }>().clientId;
  } else if (options.password === undefined) {
    response = await getPage(baseUrl, path);
    if (response.status !== 200) throw new HttpRefusal(response.status, response.body);
  } else {
    response = await postForm(baseUrl, path, { password: options.password });
    if (response.status !== 303) throw new HttpRefusal(response.status, response.body);
  }
  const cookie = sessionCookieOf(response.setCookies);
  if (!cookie) throw new Error(`admission to ${slug} set no ${SESSION_COOKIE} cookie (HTTP ${response.status})`);
  rememberSecret(cookie.token);
  return { slug, token: cookie.token, cookie: `${SESSION_COOKIE}=${cookie.token}`, setCookie: cookie.setCookie, clientId };
}
