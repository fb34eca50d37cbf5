import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The session cookie: `<clientId>.<issuedAt>.<signature>`, signed with HMAC-SHA256 over the room's
 * slug too, so a cookie admits to the one room it was issued for. The client id is no secret (peers
 * see it); the signature is what cannot be forged.
 */
export const SESSION_COOKIE = 'camus_session';
/** Absolute lifetime: a day is long for a call and short for a stolen cookie. */
export const SESSION_MAX_AGE_SECONDS = 24 * 3600;

export interface Session {
  readonly clientId: string;
  readonly issuedAt: number;
}

export class SessionSigner {
  constructor(private readonly key: string) {}

  sign(slug: string, clientId: string, issuedAt: number): string {
    const issued = Math.floor(issuedAt / 1000).toString(36);
    return `${clientId}.${issued}.${this.mac(slug, clientId, issued)}`;
  }

  /** The session, if the token is well formed, signed for this room and not expired. */
  verify(slug: string, token: string | undefined, now: number): Session | undefined {
    if (!token || token.length > 200) return undefined;
    const parts = token.split('.');
    // Exactly three parts: a trailing `.anything` after a valid token is not the token we signed.
    if (parts.length !== 3) return undefined;
    const [clientId, issued, signature] = parts;
    if (!clientId || !issued || !signature || !/^[0-9a-f]{32}$/.test(clientId) || !/^[0-9a-z]{1,12}$/.test(issued)) return undefined;
    const expected = Buffer.from(this.mac(slug, clientId, issued));
    const actual = Buffer.from(signature);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    const issuedAt = parseInt(issued, 36) * 1000;
    if (now - issuedAt > SESSION_MAX_AGE_SECONDS * 1000 || issuedAt - now > 60_000) return undefined;
    return { clientId, issuedAt };
  }

  private mac(slug: string, clientId: string, issued: string): string {
    return createHmac('sha256', this.key).update(`${slug}\n${clientId}\n${issued}`).digest('base64url');
  }
}


/** Reads one cookie from a Cookie header without trusting its shape. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
