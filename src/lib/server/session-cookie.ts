import type { Cookies } from '@sveltejs/kit';
import { SESSION_COOKIE, SESSION_MAX_AGE_SECONDS } from '../../../server/security/session.ts';

/** The session cookie admits to one room: its path is the room's, so its page and websocket get it and nothing else. */
export function setSessionCookie(cookies: Cookies, url: URL, slug: string, token: string): void {
  cookies.set(SESSION_COOKIE, token, {
    path: `/room/${encodeURIComponent(slug)}`,
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
}

export function sessionToken(cookies: Cookies): string | undefined {
  return cookies.get(SESSION_COOKIE);
}
