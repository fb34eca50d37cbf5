import { describe, expect, it } from 'vitest';
import { iceServerKind, loadOwnIceServers, mergeIceServers, saveOwnIceServers, validateIceServer } from './ice-servers.ts';

const draft = (url: string, username = '', credential = '') => ({ url, username, credential });

describe('validateIceServer', () => {
  it('accepts STUN and TURN URLs as RFC 7064/7065 write them', () => {
    expect(validateIceServer(draft('stun:stun.example.org'))).toEqual({ ok: true, server: { urls: ['stun:stun.example.org'] } });
    expect(validateIceServer(draft(' stun:192.0.2.1:3478 '))).toEqual({ ok: true, server: { urls: ['stun:192.0.2.1:3478'] } });
    expect(validateIceServer(draft('TURN:[2001:db8::1]:3478?transport=tcp', 'me', 'secret'))).toEqual({
      ok: true,
      server: { urls: ['turn:[2001:db8::1]:3478?transport=tcp'], username: 'me', credential: 'secret' },
    });
    expect(validateIceServer(draft('turns:turn.example.org:5349', 'me', 'secret')).ok).toBe(true);
  });

  it('refuses malformed URLs with an error that says what to write', () => {
    const error = (url: string, u = '', c = '') => {
      const result = validateIceServer(draft(url, u, c));
      return result.ok ? null : result.error;
    };
    expect(error('')).toMatch(/Enter the server's URL/);
    expect(error('https://turn.example.org')).toMatch(/must start with stun:, stuns:, turn: or turns:/);
    expect(error('turn.example.org:3478')).toMatch(/must start with/);
    expect(error('stun://stun.example.org')).toBe('Write the URL without "//": stun:stun.example.org.');
    expect(error('stun:stun.example.org:99999')).toMatch(/port must be between 1 and 65535/);
    expect(error('stun:stun.example.org:0')).toMatch(/port must be between/);
    expect(error('stun:bad host')).toMatch(/is not a valid server URL/);
    expect(error('stun:host..example')).toMatch(/not a valid host name/);
    expect(error('stun:stun.example.org?transport=udp')).toMatch(/Only TURN URLs/);
    expect(error('turn:turn.example.org:3478')).toBe('A TURN server needs a username and a credential.');
    expect(error('turn:turn.example.org:3478', 'me')).toBe('A TURN server needs a username and a credential.');
  });
});

describe('ICE server lists', () => {
  it('names the kind from the scheme', () => {
    expect(['stun:a', 'stuns:a', 'turn:a', 'turns:a?transport=tcp', 'http://a'].map(iceServerKind)).toEqual(['STUN', 'STUNS', 'TURN', 'TURNS', null]);
  });

  it("puts the person's own servers after the server's", () => {
    const a = { urls: ['stun:a'] };
    const b = { urls: ['turn:b'], username: 'u', credential: 'c' };
    expect(mergeIceServers([a], [b])).toEqual([a, b]);
    expect(mergeIceServers([a], [])).toEqual([a]);
  });

  it('keeps them in storage and skips whatever it cannot read', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    expect(loadOwnIceServers(storage)).toEqual([]);
    const own = [{ urls: ['turn:b:3478'], username: 'u', credential: 'c' }];
    saveOwnIceServers(storage, own);
    expect(loadOwnIceServers(storage)).toEqual(own);
    map.set('camus.ownIceServers', JSON.stringify([{ urls: ['http://x'] }, { urls: 'stun:a' }, ...own]));
    expect(loadOwnIceServers(storage)).toEqual(own);
    map.set('camus.ownIceServers', '{not json');
    expect(loadOwnIceServers(storage)).toEqual([]);
    expect(loadOwnIceServers(undefined)).toEqual([]);
  });
});
