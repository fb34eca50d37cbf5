import { assign, setup } from 'xstate';
import type { DepartureReason } from '../room/events.ts';
import { DEFAULT_USERNAME } from '../../protocol/outbound.ts';
import type { ClientEvent } from './events.ts';

export interface ClientContext {
  readonly clientId: string;
  readonly room: string;
  readonly username: string;
  readonly admittedAt: number;
}

const departure = (reason: DepartureReason) => ({ type: 'announceDeparture' as const, params: { reason } });

/**
 * One person's seat in a room: admitted over HTTP, then connected by websocket. A socket that drops
 * leaves the seat held for a short grace, so a reconnect keeps the same id; `bye` or an expired
 * grace ends it.
 */
export const clientMachine = setup({
  types: {
    context: {} as ClientContext,
    events: {} as ClientEvent,
    input: {} as { clientId: string; room: string },
  },
  actions: {
    assignAdmission: assign(({ event }) =>
      event.type === 'ClientAdmitted' ? { clientId: event.clientId, room: event.room, admittedAt: event.at } : {},
    ),
    assignUsername: assign(({ event }) => (event.type === 'UsernameChanged' ? { username: event.username } : {})),
    // Interpreted by the host after the fact is durable; replay ignores them.
    broadcastRoomInfo: () => {},
    announceDeparture: (_, _params: { reason: DepartureReason }) => {},
  },
  delays: {
    // Overridden from configuration with machine.provide(); replay does not depend on the values.
    connectTimeout: 30_000,
    reconnectGrace: 20_000,
  },
}).createMachine({
  id: 'client',
  context: ({ input }) => ({ clientId: input.clientId, room: input.room, username: DEFAULT_USERNAME, admittedAt: 0 }),
  initial: 'new',
  states: {
    new: {
      on: { ClientAdmitted: { target: 'admitted', actions: 'assignAdmission' } },
    },
    admitted: {
      after: { connectTimeout: { target: 'left', actions: departure('never-connected') } },
      on: {
        SocketConnected: { target: 'connected', actions: 'broadcastRoomInfo' },
        ClientSaidBye: { target: 'left', actions: departure('bye') },
      },
    },
    connected: {
      on: {
        // A second socket for the same client replaces the first.
        SocketConnected: { target: 'connected' },
        SocketDisconnected: { target: 'disconnected' },
        UsernameChanged: { actions: ['assignUsername', 'broadcastRoomInfo'] },
        // A self-target, not `{}`: XState's can() counts a transition with neither target nor actions as "not accepted".
        MessageRelayed: { target: 'connected' },
        ChatBroadcast: { target: 'connected' },
        ClientSaidBye: { target: 'left', actions: departure('bye') },
      },
    },
    disconnected: {
      after: { reconnectGrace: { target: 'left', actions: departure('connection-lost') } },
      on: {
        SocketConnected: { target: 'connected', actions: 'broadcastRoomInfo' },
        ClientSaidBye: { target: 'left', actions: departure('bye') },
      },
    },
    left: { type: 'final' },
  },
});

export type ClientMachine = typeof clientMachine;

/**
 * Relays are recorded but change nothing: in `connected` they are accepted as a self-transition
 * without actions. The host and replay skip `transition()` for them (it costs tens of µs), and a test proves
 * the machine agrees.
 */
export const RECORD_ONLY_EVENTS: ReadonlySet<ClientEvent['type']> = new Set(['MessageRelayed', 'ChatBroadcast']);
export const acceptsRecordOnly = (stateValue: unknown): boolean => stateValue === 'connected';
