import { json } from '@sveltejs/kit';

const MAX_BODY_BYTES = 16 * 1024;

/** Reads a small JSON body, or gives the 400/413/415 response that says what was wrong with it. */
export async function readJson(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    return { ok: false, response: json({ error: 'unsupported-media-type', reason: 'Send the body as application/json' }, { status: 415 }) };
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    return { ok: false, response: json({ error: 'too-large', reason: `The body must be under ${MAX_BODY_BYTES} bytes` }, { status: 413 }) };
  }
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, response: json({ error: 'invalid', reason: 'The body is not valid JSON' }, { status: 400 }) };
  }
}
