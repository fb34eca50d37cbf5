import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { app } from '$lib/server/app';
import { debugAccess, signIn, signOut } from '$lib/server/debug/access';
import { openRooms } from '$lib/server/debug/open-rooms';

/** The open rooms, each linking to its debug page; any room in the log can be opened by its slug. */
export const load: PageServerLoad = ({ request, cookies, url }) => {
  const access = debugAccess(request, cookies);
  if (!access.signedIn) return { signedIn: false, notice: access.notice, rooms: [], now: 0 };
  const slug = url.searchParams.get('slug')?.trim();
  if (slug) redirect(303, `/debug/rooms/${encodeURIComponent(slug)}`);
  return { signedIn: true, notice: null, rooms: openRooms(app()), now: app().services.clock.now() };
};

export const actions: Actions = { signin: signIn, signout: signOut };
