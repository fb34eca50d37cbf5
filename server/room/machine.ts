import { and, assign, setup } from 'xstate';
import type { RoomCreated, RoomEvent } from './events.ts';

export interface RoomContext {
  readonly slug: string;
  readonly name: string;
  readonly passwordHash: string | null;
  readonly isPublic: boolean;
  readonly guestLimit: number | null;
  readonly createdAt: number;
  readonly lastActiveAt: number;
  /** Client ids holding a seat, in order of arrival. */
  readonly members: readonly string[];
}

const settingsFrom = (event: RoomCreated) => ({
  slug: event.slug,
  name: event.name,
  passwordHash: event.passwordHash,
  isPublic: event.isPublic,
  guestLimit: event.guestLimit,
  createdAt: event.at,
  lastActiveAt: event.at,
  members: [],
});

/**
 * A room: created, open while people come and go, closed after staying empty for the idle time.
 * A closed room's name can be taken again, which reopens the same stream.
 */
export const roomMachine = setup({
  types: {
    context: {} as RoomContext,
    events: {} as RoomEvent,
    input: {} as { slug: string },
  },
  guards: {
    hasSeat: ({ context }) => context.guestLimit === null || context.members.length < context.guestLimit,
    isNewMember: ({ context, event }) => event.type === 'ClientJoined' && !context.members.includes(event.clientId),
    isMember: ({ context, event }) => event.type === 'ClientLeft' && context.members.includes(event.clientId),
    isLastMember: ({ context, event }) =>
      event.type === 'ClientLeft' && context.members.length === 1 && context.members[0] === event.clientId,
  },
  actions: {
    assignSettings: assign(({ event }) => (event.type === 'RoomCreated' ? settingsFrom(event) : {})),
    addMember: assign(({ context, event }) =>
      event.type === 'ClientJoined' ? { members: [...context.members, event.clientId], lastActiveAt: event.at } : {},
    ),
    removeMember: assign(({ context, event }) =>
      event.type === 'ClientLeft'
        ? { members: context.members.filter((id) => id !== event.clientId), lastActiveAt: event.at }
        : {},
    ),
    // Interpreted by the host after the fact is durable; replay ignores it.
    broadcastRoomInfo: () => {},
  },
  delays: {
    // Overridden from configuration with machine.provide(); replay does not depend on the value.
    idleTimeout: 300_000,
  },
}).createMachine({
  id: 'room',
  context: ({ input }) => ({
    slug: input.slug,
    name: input.slug,
    passwordHash: null,
    isPublic: false,
    guestLimit: null,
    createdAt: 0,
    lastActiveAt: 0,
    members: [],
  }),
  initial: 'unborn',
  states: {
    unborn: {
      on: { RoomCreated: { target: 'open', actions: 'assignSettings' } },
    },
    open: {
      initial: 'empty',
      states: {
        empty: {
          after: { idleTimeout: { target: '#room.closed' } },
          on: {
            ClientJoined: { guard: 'hasSeat', target: 'occupied', actions: 'addMember' },
          },
        },
        occupied: {
          on: {
            ClientJoined: { guard: and(['hasSeat', 'isNewMember']), actions: 'addMember' },
            ClientLeft: [
              { guard: 'isLastMember', target: 'empty', actions: ['removeMember', 'broadcastRoomInfo'] },
              { guard: 'isMember', actions: ['removeMember', 'broadcastRoomInfo'] },
            ],
          },
        },
      },
    },
    closed: {
      on: { RoomCreated: { target: 'open', actions: 'assignSettings' } },
    },
  },
});

export type RoomMachine = typeof roomMachine;
