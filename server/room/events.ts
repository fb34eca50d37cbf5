/** Facts in a room's stream (`room-<slug>`). Complete data; `at` comes from the injected clock. */
export type DepartureReason = 'bye' | 'connection-lost' | 'never-connected';

export interface RoomCreated {
  readonly type: 'RoomCreated';
  readonly at: number;
  readonly slug: string;
  readonly name: string;
  /** `scrypt$…` or null for an open room; never leaves the server. */
  readonly passwordHash: string | null;
  readonly isPublic: boolean;
  /** Most people at once; null for no limit. */
  readonly guestLimit: number | null;
}

export interface ClientJoined {
  readonly type: 'ClientJoined';
  readonly at: number;
  readonly clientId: string;
}

export interface ClientLeft {
  readonly type: 'ClientLeft';
  readonly at: number;
  readonly clientId: string;
  readonly reason: DepartureReason;
}

/** The room stayed empty for the idle time; XState names the firing of that delay. */
export const ROOM_IDLE_EXPIRED = 'xstate.after.idleTimeout.room.open.empty';
export interface RoomIdleExpired {
  readonly type: typeof ROOM_IDLE_EXPIRED;
  readonly at: number;
}

export type RoomEvent = RoomCreated | ClientJoined | ClientLeft | RoomIdleExpired;
