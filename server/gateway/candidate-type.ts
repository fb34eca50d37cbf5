import type { CandidateType } from '../client/events.ts';

const TYPES: readonly CandidateType[] = ['host', 'srflx', 'prflx', 'relay'];
const MARK = ' typ ';

/**
 * An ICE candidate's `typ`, kept for debugging connectivity (its address is not). Read with indexOf, not
 * a regular expression: every relayed candidate passes here, and a match array per candidate was garbage.
 * Like `/ typ (host|srflx|prflx|relay)(?: |$)/`, it takes the first ` typ ` followed by a known type.
 */
export function candidateTypeOf(candidate: string): CandidateType {
  for (let at = candidate.indexOf(MARK); at >= 0; at = candidate.indexOf(MARK, at + 1)) {
    const start = at + MARK.length;
    for (const type of TYPES) {
      const end = start + type.length;
      if (candidate.startsWith(type, start) && (end === candidate.length || candidate.charCodeAt(end) === 0x20)) return type;
    }
  }
  return 'unknown';
}
