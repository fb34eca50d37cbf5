import { json, type RequestHandler } from '@sveltejs/kit';
import { requireAdmin } from '$lib/server/admin';
import { app } from '$lib/server/app';
import { liveState } from '$lib/server/debug/live-state';

/** What this server holds for the room now, for `npm run replay -- <slug> --server <url>` to compare with the log. */
export const GET: RequestHandler = ({ params, request, cookies }) => {
  requireAdmin(request, cookies);
  return json(liveState(app(), params.slug!), { headers: { 'Cache-Control': 'no-store' } });
};
