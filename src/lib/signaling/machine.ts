import { assign, emit, enqueueActions, sendTo, setup, spawnChild, stopChild, type SnapshotFrom } from 'xstate';
import type { IceServer, RoomInfoData } from '$protocol/outbound.ts';
import { MAX_RECONNECT_TRIES, reconnectDelay } from './backoff.ts';
import { GROUND_CONTROL, type ClientFrame, type ServerFrame } from './frames.ts';
import { socketActor, type SocketEvent } from './socket-actor.ts';

/**
 * The signaling connection (machine id `signaling`): one websocket to the room, kept alive across
 * drops.
 *
 * States
 * - `connecting`: the first socket is opening.
 * - `open`: frames flow. Entering it re-syncs: `ping` (data = the open time the socket reported),
 *   `get-ice-servers`, `get-room-info`, then `profile` when a username is set.
 *   Heartbeat: `open.alive` → after `heartbeatInterval` → `open.awaitingPong` sends a `ping` (data =
 *   open time + n, so each is unique on this socket) and goes back to `alive` on its pong. No pong
 *   within `pongTimeout`: the server is gone without the socket saying so (a half-open TCP
 *   connection, a sleeping laptop, a changed network), so the socket is dropped and the machine
 *   reconnects exactly as after a close; peer connections are not touched.
 * - `reconnecting.waiting` → `reconnecting.connecting`: try `context.retry` of MAX_RECONNECT_TRIES,
 *   after the `reconnectDelay` backoff (random 0–1 s, then 3, 5, 7, 7… s, ±50% jitter).
 * - `leaving`: `bye` sent to ground control; waits for the server's 1000 (or `leaveTimeout`).
 * - `closed`: `context.closeReason` says why: 'left' (1000, or LEAVE), 'replaced' (4001: a newer
 *   socket of this session took over, e.g. another tab), 'expired' (4003: the seat is gone, reload to
 *   be admitted again), 'refused' (1008), 'gave-up' (MAX_RECONNECT_TRIES failed). Any other close code
 *   (1006, 1001, 1011…) reconnects. RETRY starts over after 'gave-up', 'replaced' or 'refused'.
 *
 * Events
 * - SEND { message }: sent when `open`; anywhere else dropped, and `dropped` is emitted.
 * - SET_USERNAME { username }: remembered, and sent as `profile` when open (now or at each re-sync).
 * - LEAVE: says bye and closes. RETRY: see `closed`.
 * - SOCKET.*: from the socket actor (socket-actor.ts), spawned by name so tests provide a fake.
 *
 * Emitted (actor.on): `received` once per server frame, in arrival order; `identified` when the
 * first pong tells this client its own id (stored as `context.ownId`); `dropped` for a refused SEND.
 *
 * The machine only reports a drop: peer connections are the room's business and survive it.
 */

export type CloseReason = 'left' | 'replaced' | 'expired' | 'refused' | 'gave-up';

export interface SignalingInput {
  /** The room's websocket URL (see roomSocketUrl). */
  readonly url: string;
  readonly username?: string | null;
}

export interface SignalingContext {
  readonly url: string;
  readonly username: string | null;
  /** This client's id, from the `receiver` of the first pong. */
  readonly ownId: string | null;
  /** The reconnect try waited for or in progress (1…MAX_RECONNECT_TRIES); 0 when not reconnecting. */
  readonly retry: number;
  /** `data` of the re-sync ping, whose pong tells this client its id. */
  readonly pingData: number | null;
  /** Heartbeat pings sent on this socket; the outstanding one's data is pingData + heartbeats. */
  readonly heartbeats: number;
  readonly closeReason: CloseReason | null;
  readonly lastClose: { readonly code: number; readonly reason: string } | null;
  /** The latest room-info and ice-servers the server sent (re-requested on every open). */
  readonly roomInfo: RoomInfoData | null;
  readonly iceServers: readonly IceServer[] | null;
}

export type SignalingEvent =
  | SocketEvent
  | { type: 'SEND'; message: ClientFrame }
  | { type: 'SET_USERNAME'; username: string }
  | { type: 'LEAVE' }
  | { type: 'RETRY' };

export type SignalingEmitted =
  | { type: 'received'; frame: ServerFrame }
  | { type: 'identified'; ownId: string }
  | { type: 'dropped'; message: ClientFrame; reason: 'not-open' };

export const CloseCode = { normal: 1000, policyViolation: 1008, replaced: 4001, expired: 4003 } as const;

/** A ping every 10 s while open (the server allows far more); 5 s for its pong (it answers at once). */
export const HEARTBEAT_INTERVAL_MS = 10_000;
export const PONG_TIMEOUT_MS = 5_000;

const RETRYABLE: ReadonlySet<CloseReason> = new Set(['gave-up', 'replaced', 'refused']);

const closedWith = (code: number) => ({ event }: { event: SignalingEvent }) => event.type === 'SOCKET.CLOSED' && event.code === code;
const close = (reason: CloseReason) => ({ type: 'assignCloseReason' as const, params: { reason } });

/** Close codes that end the session without a reconnect, checked in this order before any retry. */
const finalCloses = [
  { guard: 'isNormalClosure', target: '#signaling.closed', actions: ['assignClosed', close('left')] },
  { guard: 'isReplaced', target: '#signaling.closed', actions: ['assignClosed', close('replaced')] },
  { guard: 'isExpired', target: '#signaling.closed', actions: ['assignClosed', close('expired')] },
  { guard: 'isRefused', target: '#signaling.closed', actions: ['assignClosed', close('refused')] },
] as const;


export const signalingMachine = setup({
  types: {
    input: {} as SignalingInput,
    context: {} as SignalingContext,
    events: {} as SignalingEvent,
    emitted: {} as SignalingEmitted,
  },
  actors: { socket: socketActor },
  guards: {
    isNormalClosure: closedWith(CloseCode.normal),
    isReplaced: closedWith(CloseCode.replaced),
    isExpired: closedWith(CloseCode.expired),
    isRefused: closedWith(CloseCode.policyViolation),
    hasTriesLeft: ({ context }) => context.retry < MAX_RECONNECT_TRIES,
    isRetryable: ({ context }) => context.closeReason !== null && RETRYABLE.has(context.closeReason),
    isHeartbeatPong: ({ context, event }) =>
      event.type === 'SOCKET.MESSAGE' && event.frame.type === 'pong' && event.frame.data === (context.pingData ?? 0) + context.heartbeats,
  },
  actions: {
    openSocket: spawnChild('socket', { id: 'socket', input: ({ context }) => ({ url: context.url }) }),
    closeSocket: stopChild('socket'),
    assignOpened: assign(({ event }) => ({
      retry: 0,
      closeReason: null,
      pingData: event.type === 'SOCKET.OPENED' ? event.at : null,
      heartbeats: 0,
    })),
    sendHeartbeat: enqueueActions(({ context, enqueue }) => {
      const heartbeats = context.heartbeats + 1;
      enqueue.assign({ heartbeats });
      enqueue.sendTo('socket', {
        type: 'SOCKET.SEND',
        message: { receiver: GROUND_CONTROL, type: 'ping', data: (context.pingData ?? 0) + heartbeats } satisfies ClientFrame,
      });
    }),
    /** Recorded as an abnormal closure (1006: no close frame), which is what it is. */
    assignHeartbeatLost: assign({ lastClose: { code: 1006, reason: `no pong within ${PONG_TIMEOUT_MS / 1000} s` } }),
    assignFirstTry: assign({ retry: 1 }),
    assignNextTry: assign(({ context }) => ({ retry: context.retry + 1 })),
    assignStart: assign({ retry: 0, closeReason: null, lastClose: null }),
    assignClosed: assign(({ event }) => (event.type === 'SOCKET.CLOSED' ? { lastClose: { code: event.code, reason: event.reason } } : {})),
    assignCloseReason: assign((_, params: { reason: CloseReason }) => ({ closeReason: params.reason, retry: 0 })),
    assignUsername: assign(({ event }) => (event.type === 'SET_USERNAME' ? { username: event.username } : {})),
    /** Everything a (re)opened socket must ask for again, in this order. */
    resync: enqueueActions(({ context, enqueue }) => {
      const send = (message: ClientFrame) => enqueue.sendTo('socket', { type: 'SOCKET.SEND', message });
      send({ receiver: GROUND_CONTROL, type: 'ping', data: context.pingData ?? 0 });
      send({ receiver: GROUND_CONTROL, type: 'get-ice-servers' });
      send({ receiver: GROUND_CONTROL, type: 'get-room-info' });
      if (context.username !== null) send({ receiver: GROUND_CONTROL, type: 'profile', data: { username: context.username } });
    }),
    sendFrame: sendTo('socket', ({ event }) => {
      if (event.type !== 'SEND') throw new Error(`sendFrame on ${event.type}`);
      return { type: 'SOCKET.SEND' as const, message: event.message };
    }),
    sendProfile: sendTo('socket', ({ context }) => ({
      type: 'SOCKET.SEND' as const,
      message: { receiver: GROUND_CONTROL, type: 'profile', data: { username: context.username ?? '' } } satisfies ClientFrame,
    })),
    sendBye: sendTo('socket', { type: 'SOCKET.SEND' as const, message: { receiver: GROUND_CONTROL, type: 'bye' } satisfies ClientFrame }),
    reportDropped: emit(({ event }) => {
      if (event.type !== 'SEND') throw new Error(`reportDropped on ${event.type}`);
      return { type: 'dropped' as const, message: event.message, reason: 'not-open' as const };
    }),
    /** Remembers what the room page needs from a frame, then passes the frame on. */
    receiveFrame: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'SOCKET.MESSAGE') return;
      const { frame } = event;
      if (frame.type === 'pong' && context.ownId === null && frame.data === context.pingData) {
        enqueue.assign({ ownId: frame.receiver });
        enqueue.emit({ type: 'identified', ownId: frame.receiver });
      } else if (frame.type === 'room-info') {
        enqueue.assign({ roomInfo: frame.data });
      } else if (frame.type === 'ice-servers') {
        enqueue.assign({ iceServers: frame.data });
      }
      enqueue.emit({ type: 'received', frame });
    }),
  },
  delays: {
    /** Replaced in tests (and anywhere a seeded source is wanted) with reconnectDelayFrom(random). */
    reconnectDelay: ({ context }) => reconnectDelay(context.retry, Math.random),
    connectTimeout: 10_000,
    leaveTimeout: 2_000,
    heartbeatInterval: HEARTBEAT_INTERVAL_MS,
    pongTimeout: PONG_TIMEOUT_MS,
  },
}).createMachine({
  id: 'signaling',
  context: ({ input }) => ({
    url: input.url,
    username: input.username ?? null,
    ownId: null,
    retry: 0,
    pingData: null,
    heartbeats: 0,
    closeReason: null,
    lastClose: null,
    roomInfo: null,
    iceServers: null,
  }),
  initial: 'connecting',
  on: {
    'SOCKET.MESSAGE': { actions: 'receiveFrame' },
    SEND: { actions: 'reportDropped' },
    SET_USERNAME: { actions: 'assignUsername' },
    LEAVE: { target: '.closed', actions: close('left') },
  },
  states: {
    connecting: {
      entry: 'openSocket',
      after: { connectTimeout: { target: 'reconnecting', actions: 'assignFirstTry' } },
      on: {
        'SOCKET.OPENED': { target: 'open', actions: ['assignOpened', 'resync'] },
        'SOCKET.CLOSED': [...finalCloses, { target: 'reconnecting', actions: ['assignClosed', 'assignFirstTry'] }],
      },
    },
    open: {
      initial: 'alive',
      states: {
        alive: { after: { heartbeatInterval: 'awaitingPong' } },
        awaitingPong: {
          entry: 'sendHeartbeat',
          after: { pongTimeout: { target: '#signaling.reconnecting', actions: ['assignHeartbeatLost', 'assignFirstTry'] } },
          on: { 'SOCKET.MESSAGE': { guard: 'isHeartbeatPong', target: 'alive', actions: 'receiveFrame' } },
        },
      },
      on: {
        SEND: { actions: 'sendFrame' },
        SET_USERNAME: { actions: ['assignUsername', 'sendProfile'] },
        LEAVE: { target: 'leaving', actions: 'sendBye' },
        'SOCKET.CLOSED': [...finalCloses, { target: 'reconnecting', actions: ['assignClosed', 'assignFirstTry'] }],
      },
    },
    reconnecting: {
      initial: 'waiting',
      states: {
        waiting: {
          entry: 'closeSocket',
          after: { reconnectDelay: 'connecting' },
        },
        connecting: {
          entry: 'openSocket',
          after: {
            connectTimeout: [
              { guard: 'hasTriesLeft', target: 'waiting', actions: 'assignNextTry' },
              { target: '#signaling.closed', actions: close('gave-up') },
            ],
          },
          on: {
            'SOCKET.OPENED': { target: '#signaling.open', actions: ['assignOpened', 'resync'] },
            'SOCKET.CLOSED': [
              ...finalCloses,
              { guard: 'hasTriesLeft', target: 'waiting', actions: ['assignClosed', 'assignNextTry'] },
              { target: '#signaling.closed', actions: ['assignClosed', close('gave-up')] },
            ],
          },
        },
      },
    },
    leaving: {
      after: { leaveTimeout: { target: 'closed', actions: close('left') } },
      on: {
        LEAVE: {},
        'SOCKET.CLOSED': { target: 'closed', actions: ['assignClosed', close('left')] },
      },
    },
    closed: {
      entry: 'closeSocket',
      on: {
        LEAVE: {},
        RETRY: { guard: 'isRetryable', target: 'connecting', actions: 'assignStart' },
      },
    },
  },
});

export type SignalingMachine = typeof signalingMachine;
export type SignalingSnapshot = SnapshotFrom<SignalingMachine>;
export type SignalingStatus = 'connecting' | 'open' | 'reconnecting' | 'leaving' | 'closed';

/** The top-level state, for the UI ("reconnecting…", disabled send button). */
export function signalingStatus(snapshot: SignalingSnapshot): SignalingStatus {
  const value = snapshot.value;
  return (typeof value === 'string' ? value : Object.keys(value)[0]) as SignalingStatus;
}

/** The `reconnectDelay` implementation with a chosen random source (tests, seeded generators). */
export const reconnectDelayFrom =
  (random: () => number) =>
  ({ context }: { context: SignalingContext }) =>
    reconnectDelay(context.retry, random);
