import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidateTypeOf } from './candidate-type.ts';

/** What the gateway matched before (a regular expression): the reading it must keep. */
const byRegExp = (candidate: string) => (/ typ (host|srflx|prflx|relay)(?: |$)/.exec(candidate)?.[1] ?? 'unknown');

describe('candidateTypeOf', () => {
  it('reads the type of real candidates', () => {
    expect(candidateTypeOf('candidate:1 1 udp 2122260223 192.168.1.20 50000 typ host generation 0')).toBe('host');
    expect(candidateTypeOf('candidate:2 1 udp 1686052607 203.0.113.2 60000 typ srflx raddr 192.168.1.20 rport 50000')).toBe('srflx');
    expect(candidateTypeOf('candidate:3 1 udp 41885439 198.51.100.7 40000 typ relay')).toBe('relay');
    expect(candidateTypeOf('candidate:4 1 tcp 1518280447 10.0.0.1 9 typ prflx tcptype active')).toBe('prflx');
  });

  it('says unknown for a missing, unknown or run-on type', () => {
    expect(candidateTypeOf('')).toBe('unknown');
    expect(candidateTypeOf('candidate:1 1 udp 1 10.0.0.1 9')).toBe('unknown');
    expect(candidateTypeOf('candidate:1 1 udp 1 10.0.0.1 9 typ hostile')).toBe('unknown');
    expect(candidateTypeOf('candidate:1 typ mdns typ host')).toBe('host');
  });

  it('agrees with the regular expression on any text built from candidate words', () => {
    const word = fc.constantFrom(' typ ', 'typ', ' ', 'host', 'srflx', 'prflx', 'relay', 'hostx', 'x', 'rel', ' typ host', 'candidate:1');
    fc.assert(fc.property(fc.array(word, { maxLength: 12 }), (words) => {
      const candidate = words.join('');
      expect(candidateTypeOf(candidate)).toBe(byRegExp(candidate));
    }), { numRuns: 2000 });
  });
});
