import { error, fail, redirect, type Actions } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { app } from '$lib/server/app';
import { statusOf } from '$lib/server/refusal-status';
import { sessionToken, setSessionCookie } from '$lib/server/session-cookie';

// Kit would redirect /room/x/ to /room/x; the hook answers 404 instead, as the original did.
export const trailingSlash = 'ignore';

/**
 * Admission, as the original did it: a room without a password admits on a plain GET; a password room
 * shows its form first. A valid session whose seat is still held comes back as the same client.
 */
export const load: PageServerLoad = async ({ params, cookies, url, getClientAddress }) => {
  const room = app().lobby.describe(params.slug);
  if (!room) error(404, 'Room not found');
  const view = { slug: room.slug, name: room.name };
  const member = app().lobby.member(params.slug, sessionToken(cookies));
  if (member) return { room: view, clientId: member };
  if (room.hasPassword) return { room: view, clientId: null };

  const admitted = await app().lobby.admit(params.slug, { address: getClientAddress() });
  if (!admitted.ok) error(statusOf[admitted.code], admitted.message);
  setSessionCookie(cookies, url, params.slug, admitted.token);
  return { room: view, clientId: admitted.clientId };
};

export const actions: Actions = {
  default: async ({ params, request, cookies, url, getClientAddress }) => {
    const password = (await request.formData()).get('password');
    const admitted = await app().lobby.admit(params.slug!, {
      password: typeof password === 'string' ? password : undefined,
      token: sessionToken(cookies),
      address: getClientAddress(),
    });
    if (!admitted.ok) {
      if (admitted.code === 'not-found') error(404, admitted.message);
      return fail(statusOf[admitted.code], { error: admitted.message });
    }
    setSessionCookie(cookies, url, params.slug!, admitted.token);
    redirect(303, url.pathname);
  },
};
