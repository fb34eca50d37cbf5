import { json, type RequestHandler } from '@sveltejs/kit';
import { app } from '$lib/server/app';
import { readJson } from '$lib/server/read-json';
import { refusalHeaders, statusOf } from '$lib/server/refusal-status';
import { setSessionCookie } from '$lib/server/session-cookie';

/** `{password?}` → `{clientId}` and the room's session cookie (the same one the room page sets). */
// The cookie's path is the room's, so it never reaches this URL: every call here is a new admission.
export const POST: RequestHandler = async ({ request, params, cookies, url, getClientAddress }) => {
  const body = await readJson(request);
  if (!body.ok) return body.response;
  if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
    return json({ error: 'invalid', reason: 'Expected a JSON object' }, { status: 400 });
  }
  const { password } = body.value as { password?: unknown };
  if (password !== undefined && typeof password !== 'string') {
    return json({ error: 'invalid', reason: 'password: must be a string' }, { status: 400 });
  }
  const slug = params.slug!;
  const admitted = await app().lobby.admit(slug, { password, address: getClientAddress() });
  if (!admitted.ok) {
    return json({ error: admitted.code, reason: admitted.message }, { status: statusOf[admitted.code], headers: refusalHeaders(admitted) });
  }
  setSessionCookie(cookies, url, slug, admitted.token);
  return json({ clientId: admitted.clientId });
};
