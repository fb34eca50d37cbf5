import { json, type RequestHandler } from '@sveltejs/kit';
import { parseRoomRequest } from '../../../../server/lobby/room-form.ts';
import { app } from '$lib/server/app';
import { readJson } from '$lib/server/read-json';
import { statusOf } from '$lib/server/refusal-status';

/** Public rooms, most recently active first. */
export const GET: RequestHandler = () => json(app().registry.publicRooms());

/** `{name, password?, public?, guestLimit?}` → 201 `{slug}`; 400 invalid, 409 taken, each with a reason. */
export const POST: RequestHandler = async ({ request }) => {
  const body = await readJson(request);
  if (!body.ok) return body.response;
  const parsed = parseRoomRequest(body.value);
  if (!parsed.ok) return json({ error: 'invalid', reason: parsed.reason }, { status: 400 });
  const created = await app().lobby.createRoom(parsed.value);
  if (!created.ok) return json({ error: created.code, reason: created.message }, { status: statusOf[created.code] });
  return json({ slug: created.slug }, { status: 201, headers: { Location: `/room/${created.slug}` } });
};
