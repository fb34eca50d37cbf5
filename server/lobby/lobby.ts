import type { RoomHost } from '../runtime/room-host.ts';
import type { RoomRegistry } from '../runtime/registry.ts';
import { AttemptLimiter } from '../security/attempt-limiter.ts';
import { HashingBusy, MAX_PASSWORD_BYTES, hashPassword, verifyPassword } from '../security/password.ts';
import type { SessionSigner } from '../security/session.ts';
import type { ClockShape } from '../services/clock.ts';
import type { RoomRequest } from './room-form.ts';

export type Refusal =
  | { code: 'not-found'; message: string }
  | { code: 'taken'; message: string }
  | { code: 'password-required'; message: string }
  | { code: 'wrong-password'; message: string }
  | { code: 'room-full'; message: string }
  | { code: 'not-a-member'; message: string }
  | { code: 'rate-limited'; message: string; retryAfterSeconds: number }
  | { code: 'busy'; message: string };

export type Admission = { ok: true; clientId: string; token: string; resumed: boolean } | ({ ok: false } & Refusal);

export interface RoomSummary {
  readonly slug: string;
  readonly name: string;
  readonly hasPassword: boolean;
  readonly participants: number;
  readonly guestLimit: number | null;
}

const FIFTEEN_MINUTES = 15 * 60_000;

/**
 * Everything that happens before a websocket: creating rooms, admitting people (password, guest
 * limit, session cookie) and checking a socket's session. HTTP routes are thin wrappers over this.
 */
export class Lobby {
  /** 5 wrong passwords per address and 20 per room in 15 minutes, then 429 with no hashing. */
  private readonly failuresByAddress = new AttemptLimiter(5, FIFTEEN_MINUTES);
  private readonly failuresByRoom = new AttemptLimiter(20, FIFTEEN_MINUTES);

  constructor(
    private readonly registry: RoomRegistry,
    private readonly signer: SessionSigner,
    private readonly clock: ClockShape,
  ) {}

  async createRoom(request: RoomRequest): Promise<{ ok: true; slug: string } | ({ ok: false } & Refusal)> {
    const taken = { ok: false as const, code: 'taken' as const, message: `The room name "${request.name}" is not available` };
    if (this.registry.get(request.slug)) return taken;
    let passwordHash: string | null = null;
    try {
      if (request.password !== undefined) passwordHash = await hashPassword(request.password);
    } catch (error) {
      if (error instanceof HashingBusy) return { ok: false, code: 'busy', message: 'The server is busy; try again in a moment' };
      throw error;
    }
    const created = await this.registry.create({
      slug: request.slug,
      name: request.name,
      passwordHash,
      isPublic: request.isPublic,
      guestLimit: request.guestLimit,
    });
    return created.ok ? { ok: true, slug: request.slug } : taken;
  }

  describe(slug: string): RoomSummary | undefined {
    const room = this.registry.get(slug);
    if (!room) return undefined;
    const { context } = room.state;
    return {
      slug,
      name: context.name,
      hasPassword: context.passwordHash !== null,
      participants: room.participants().length,
      guestLimit: context.guestLimit,
    };
  }

  /** The client a valid session cookie names, if it still holds a seat in this room. */
  member(slug: string, token: string | undefined): string | undefined {
    const room = this.registry.get(slug);
    const session = this.signer.verify(slug, token, this.clock.now());
    return room && session && room.isMember(session.clientId) ? session.clientId : undefined;
  }

  /**
   * Admits a person to a room. A valid session for a seat still held resumes it (same client id,
   * no password asked again); anyone else needs the password, if the room has one, and a free seat.
   */
  async admit(slug: string, request: { password?: string | undefined; token?: string | undefined; address: string }): Promise<Admission> {
    const room = this.registry.get(slug);
    if (!room) return { ok: false, code: 'not-found', message: 'Room not found' };
    const resumed = this.member(slug, request.token);
    if (resumed && request.token) return { ok: true, clientId: resumed, token: request.token, resumed: true };

    const refusal = await this.checkPassword(room, slug, request.password, request.address);
    if (refusal) return { ok: false, ...refusal };

    const joined = await room.join();
    if (!joined.ok) {
      return joined.reason === 'room-full'
        ? { ok: false, code: 'room-full', message: 'Guest limit already reached' }
        : { ok: false, code: 'not-found', message: 'Room not found' };
    }
    return { ok: true, clientId: joined.clientId, token: this.signer.sign(slug, joined.clientId, this.clock.now()), resumed: false };
  }

  /** Who a websocket upgrade belongs to: a valid session of this room whose seat is still held. */
  authenticateSocket(slug: string, token: string | undefined): { ok: true; clientId: string; room: RoomHost } | ({ ok: false } & Refusal) {
    const room = this.registry.get(slug);
    if (!room) return { ok: false, code: 'not-found', message: 'Room not found' };
    const clientId = this.member(slug, token);
    if (!clientId) return { ok: false, code: 'not-a-member', message: 'No valid session for this room' };
    return { ok: true, clientId, room };
  }

  private async checkPassword(room: RoomHost, slug: string, password: string | undefined, address: string): Promise<Refusal | undefined> {
    const hash = room.state.context.passwordHash;
    if (hash === null) return undefined;
    if (password === undefined || password === '') return { code: 'password-required', message: 'This room needs a password' };
    if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return { code: 'wrong-password', message: 'Invalid password' };
    const now = this.clock.now();
    const wait = Math.max(this.failuresByAddress.retryAfter(address, now), this.failuresByRoom.retryAfter(slug, now));
    if (wait > 0) {
      const retryAfterSeconds = Math.ceil(wait / 1000);
      return { code: 'rate-limited', message: `Too many wrong passwords; try again in ${retryAfterSeconds} seconds`, retryAfterSeconds };
    }
    let valid: boolean;
    try {
      valid = await verifyPassword(password, hash);
    } catch (error) {
      if (error instanceof HashingBusy) return { code: 'busy', message: 'The server is busy; try again in a moment' };
      throw error;
    }
    if (valid) return undefined;
    this.failuresByAddress.fail(address, now);
    this.failuresByRoom.fail(slug, now);
    return { code: 'wrong-password', message: 'Invalid password' };
  }
}
