import type { Refusal } from '../../../server/lobby/lobby.ts';

/** HTTP status for each way the lobby can say no. A full room is 418, as the original server answered. */
export const statusOf: Record<Refusal['code'], number> = {
  'not-found': 404,
  taken: 409,
  'password-required': 401,
  'wrong-password': 401,
  'room-full': 418,
  'not-a-member': 403,
  'rate-limited': 429,
  busy: 503,
};

export function refusalHeaders(refusal: Refusal): Record<string, string> {
  return refusal.code === 'rate-limited' ? { 'Retry-After': String(refusal.retryAfterSeconds) } : {};
}
