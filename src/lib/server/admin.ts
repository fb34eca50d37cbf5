import { timingSafeEqual } from 'node:crypto';
import { error, type Cookies } from '@sveltejs/kit';
import { app } from './app';

export const ADMIN_COOKIE = 'camus_admin';

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Admin pages exist only when ADMIN_TOKEN is set (404 otherwise, so they are not even discoverable),
 * and answer only a request carrying the token: `Authorization: Bearer <token>` (scrapers) or the
 * admin cookie (browsers, set by the debug page's sign-in).
 */
export function requireAdmin(request: Request, cookies: Cookies): void {
  const token = app().config.adminToken;
  if (!token) error(404, 'Not found');
  const header = request.headers.get('authorization') ?? '';
  const bearer = /^Bearer (.+)$/i.exec(header)?.[1];
  const presented = bearer ?? cookies.get(ADMIN_COOKIE);
  if (!presented) error(401, 'This page needs the admin token');
  if (!same(presented, token)) error(403, 'Wrong admin token');
}

export function isAdminToken(candidate: string): boolean {
  const token = app().config.adminToken;
  return token !== undefined && same(candidate, token);
}
