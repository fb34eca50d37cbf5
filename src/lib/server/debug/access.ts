import { error, fail, redirect, type Action, type Cookies } from '@sveltejs/kit';
import { ADMIN_COOKIE, isAdminToken } from '../admin';
import { app } from '../app';

/** Browsers keep the admin token for the debug pages only, for a working day. */
const COOKIE_PATH = '/debug';
const COOKIE_MAX_AGE_SECONDS = 8 * 60 * 60;

export type DebugAccess = { readonly signedIn: true } | { readonly signedIn: false; readonly notice: string | null };

/**
 * Who may see a debug page. Off (404) without ADMIN_TOKEN; signed in with the token as a bearer header
 * or the admin cookie; otherwise the page shows its sign-in form (with a notice if a saved token went stale).
 */
export function debugAccess(request: Request, cookies: Cookies): DebugAccess {
  if (!app().config.adminToken) error(404, 'Not found');
  const bearer = /^Bearer (.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  const presented = bearer ?? cookies.get(ADMIN_COOKIE);
  if (presented === undefined) return { signedIn: false, notice: null };
  if (isAdminToken(presented)) return { signedIn: true };
  return { signedIn: false, notice: 'The saved admin token is no longer valid: sign in again.' };
}

/** `?/signin`: checks the token and keeps it in an HttpOnly, SameSite=Strict cookie scoped to /debug. */
export const signIn: Action = async ({ request, cookies, url }) => {
  if (!app().config.adminToken) error(404, 'Not found');
  const token = (await request.formData()).get('token');
  if (typeof token !== 'string' || token === '') return fail(400, { message: 'Enter the admin token.' });
  if (!isAdminToken(token)) return fail(403, { message: 'Wrong admin token: this is not the ADMIN_TOKEN the server runs with.' });
  cookies.set(ADMIN_COOKIE, token, {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure: url.protocol === 'https:',
    maxAge: COOKIE_MAX_AGE_SECONDS,
  });
  redirect(303, url.pathname);
};

/** `?/signout`: forgets the token. */
export const signOut: Action = ({ cookies, url }) => {
  cookies.delete(ADMIN_COOKIE, { path: COOKIE_PATH });
  redirect(303, url.pathname);
};
