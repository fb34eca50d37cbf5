import type { IceServer } from '$protocol/outbound.ts';
import { keep, readKept, type KeyValueStorage } from '$lib/browser-storage.ts';

/**
 * ICE servers: the ones the server hands out (get-ice-servers) and the ones a person adds for
 * themselves, kept in this browser's localStorage. Pure, apart from the storage passed in.
 * Credentials are kept and handed to RTCPeerConnection, never shown or logged.
 */

export type IceServerKind = 'STUN' | 'STUNS' | 'TURN' | 'TURNS';

/** stun:/stuns: (RFC 7064) and turn:/turns: (RFC 7065) URIs: host, optional port, TURN's ?transport. */
const ICE_URL = /^(stuns?|turns?):(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.-]+)(?::(\d{1,5}))?(\?transport=(?:udp|tcp))?$/i;

export function iceServerKind(url: string): IceServerKind | null {
  const scheme = /^(stuns?|turns?):/i.exec(url)?.[1]?.toUpperCase();
  return scheme === 'STUN' || scheme === 'STUNS' || scheme === 'TURN' || scheme === 'TURNS' ? scheme : null;
}

export interface IceServerDraft {
  readonly url: string;
  readonly username: string;
  readonly credential: string;
}

export type Validated = { readonly ok: true; readonly server: IceServer } | { readonly ok: false; readonly error: string };

const EXAMPLE = 'for example turn:turn.example.org:3478 or stun:stun.example.org';

/** Checks what the person typed; the error says what is wrong in words. */
export function validateIceServer(draft: IceServerDraft): Validated {
  const url = draft.url.trim();
  const username = draft.username.trim();
  const credential = draft.credential;
  if (url === '') return { ok: false, error: `Enter the server's URL, ${EXAMPLE}.` };
  if (/^(stuns?|turns?):\/\//i.test(url)) return { ok: false, error: `Write the URL without "//": ${url.replace('://', ':')}.` };
  const match = ICE_URL.exec(url);
  if (!match) {
    if (!iceServerKind(url)) return { ok: false, error: `The URL must start with stun:, stuns:, turn: or turns:, ${EXAMPLE}.` };
    return { ok: false, error: `"${url}" is not a valid server URL: use scheme:host or scheme:host:port, ${EXAMPLE}.` };
  }
  const [, rawScheme, host, port, rawTransport] = match;
  const scheme = rawScheme!.toLowerCase();
  const transport = rawTransport?.toLowerCase();
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return { ok: false, error: `The port must be between 1 and 65535, not ${port}.` };
  if (host!.startsWith('.') || host!.endsWith('.') || host!.includes('..')) return { ok: false, error: `"${host}" is not a valid host name.` };
  const turn = scheme.startsWith('turn');
  if (transport && !turn) return { ok: false, error: 'Only TURN URLs take ?transport=.' };
  if (turn && (username === '' || credential === '')) return { ok: false, error: 'A TURN server needs a username and a credential.' };
  return {
    ok: true,
    server: {
      urls: [`${scheme}:${host}${port !== undefined ? `:${port}` : ''}${transport ?? ''}`],
      ...(username !== '' ? { username } : {}),
      ...(credential !== '' ? { credential } : {}),
    },
  };
}

/** The server's list first, then the person's own (the browser tries them all). */
export const mergeIceServers = (fromServer: readonly IceServer[], own: readonly IceServer[]): readonly IceServer[] =>
  own.length === 0 ? fromServer : [...fromServer, ...own];

export const sameIceServer = (a: IceServer, b: IceServer): boolean =>
  a.urls.join(' ') === b.urls.join(' ') && a.username === b.username && a.credential === b.credential;

const STORAGE_KEY = 'camus.ownIceServers';

const isIceServer = (value: unknown): value is IceServer => {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Array.isArray(v.urls) &&
    v.urls.length > 0 &&
    v.urls.every((u) => typeof u === 'string' && ICE_URL.test(u)) &&
    (v.username === undefined || typeof v.username === 'string') &&
    (v.credential === undefined || typeof v.credential === 'string')
  );
};

/** The person's own servers; anything unreadable in storage is skipped, never thrown. */
export function loadOwnIceServers(storage: KeyValueStorage | undefined): IceServer[] {
  try {
    const parsed: unknown = JSON.parse(readKept(storage, STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isIceServer) : [];
  } catch {
    return [];
  }
}

export function saveOwnIceServers(storage: KeyValueStorage | undefined, servers: readonly IceServer[]): void {
  keep(storage, STORAGE_KEY, JSON.stringify(servers));
}
