import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { app } from '$lib/server/app';
import { debugAccess, signIn, signOut } from '$lib/server/debug/access';
import { roomView } from '$lib/server/debug/room-view';

/** A room's stored log, replayed: the timeline, the machine diagram and who was there at each moment. */
export const load: PageServerLoad = async ({ params, request, cookies }) => {
  const access = debugAccess(request, cookies);
  if (!access.signedIn) return { slug: params.slug, signedIn: false, notice: access.notice, view: null };
  const view = await roomView(app(), params.slug);
  if (!view) error(404, `No room "${params.slug}" in the event log`);
  return { slug: params.slug, signedIn: true, notice: null, view };
};

export const actions: Actions = { signin: signIn, signout: signOut };
