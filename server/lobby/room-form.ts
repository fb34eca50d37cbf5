import { MAX_PASSWORD_BYTES } from '../security/password.ts';
import { slugify } from './slug.ts';

/** What a person asks for when creating a room, from the HTML form or the JSON API. */
export interface RoomRequest {
  readonly name: string;
  readonly slug: string;
  /** Undefined for a room without a password. */
  readonly password: string | undefined;
  readonly isPublic: boolean;
  readonly guestLimit: number | null;
}

export const MAX_NAME_CHARS = 64;
export const MAX_GUEST_LIMIT = 100;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Validates a create-room request; every refusal says which field and why. */
export function parseRoomRequest(input: unknown): Parsed<RoomRequest> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return invalid('Expected a JSON object');
  const { name, password, public: isPublic, guestLimit } = input as Record<string, unknown>;

  if (typeof name !== 'string') return invalid('name: required, a string');
  const trimmed = name.trim();
  if (trimmed.length === 0) return invalid('name: must not be empty');
  if (trimmed.length > MAX_NAME_CHARS) return invalid(`name: at most ${MAX_NAME_CHARS} characters`);
  const slug = slugify(trimmed);
  if (slug.length === 0) return invalid('name: must contain at least one letter or digit');

  if (password !== undefined && password !== null && typeof password !== 'string') return invalid('password: must be a string');
  if (typeof password === 'string' && Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    return invalid(`password: at most ${MAX_PASSWORD_BYTES} bytes`);
  }
  if (isPublic !== undefined && typeof isPublic !== 'boolean') return invalid('public: must be true or false');
  if (guestLimit !== undefined && guestLimit !== null) {
    if (typeof guestLimit !== 'number' || !Number.isInteger(guestLimit) || guestLimit < 1 || guestLimit > MAX_GUEST_LIMIT) {
      return invalid(`guestLimit: a whole number from 1 to ${MAX_GUEST_LIMIT}, or null for no limit`);
    }
  }
  return {
    ok: true,
    value: {
      name: trimmed,
      slug,
      password: typeof password === 'string' && password.length > 0 ? password : undefined,
      isPublic: isPublic === true,
      guestLimit: typeof guestLimit === 'number' ? guestLimit : null,
    },
  };
}

/** The HTML form's fields, turned into the same request the JSON API takes. */
export function roomRequestFromForm(form: FormData): Parsed<RoomRequest> {
  const text = (key: string) => {
    const value = form.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  const limit = text('guestLimit') ?? text('guest_limit') ?? '';
  const guestLimit = limit === '' || limit === '0' || limit === 'none' ? null : Number(limit);
  if (guestLimit !== null && !Number.isInteger(guestLimit)) return invalid('guestLimit: choose a number of guests or no limit');
  const isPublic = (text('public') ?? text('is_public') ?? '').toLowerCase();
  return parseRoomRequest({
    name: text('name') ?? text('room_id') ?? '',
    password: text('password'),
    public: ['on', 'yes', 'true', '1'].includes(isPublic),
    guestLimit,
  });
}

function invalid(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
