import type { IncomingMessage } from 'node:http';

/**
 * Cross-site websocket hijacking needs a victim's browser, and browsers always send Origin on a
 * websocket handshake. So a browser's Origin must be one we serve (the configured list, or the host
 * the request was made to); a handshake without Origin comes from a script, which holds its own
 * cookie anyway.
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[], trustProxy: boolean): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.length > 0) return allowed.includes(origin);
  const forwarded = trustProxy ? firstValue(req.headers['x-forwarded-host']) : undefined;
  const host = forwarded ?? req.headers.host;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}
