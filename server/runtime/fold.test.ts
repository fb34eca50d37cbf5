import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { clientMachine } from '../client/machine.ts';
import { roomMachine } from '../room/machine.ts';
import { pureInitialTransition, pureTransition, start, type TimedEvent } from './fold.ts';

// The fold's transition reuses one inert scope; it must give exactly what XState's transition() gives.
describe('pureTransition', () => {
  const cases: [string, typeof roomMachine | typeof clientMachine, object, TimedEvent[]][] = [
    ['room', roomMachine, { slug: 'r' }, [
      { type: 'RoomCreated', at: 1, slug: 'r', name: 'R', passwordHash: null, isPublic: false, guestLimit: 2 } as TimedEvent,
      { type: 'ClientJoined', at: 2, clientId: 'a' } as TimedEvent,
      { type: 'ClientJoined', at: 3, clientId: 'b' } as TimedEvent,
      { type: 'ClientLeft', at: 4, clientId: 'a', reason: 'bye' } as TimedEvent,
      { type: 'ClientLeft', at: 5, clientId: 'b', reason: 'bye' } as TimedEvent,
      { type: 'xstate.after.idleTimeout.room.open.empty', at: 6 },
    ]],
    ['client', clientMachine, { clientId: 'a', room: 'r' }, [
      { type: 'ClientAdmitted', at: 1, clientId: 'a', room: 'r' } as TimedEvent,
      { type: 'SocketConnected', at: 2 },
      { type: 'UsernameChanged', at: 3, username: 'Bill' } as TimedEvent,
      { type: 'SocketDisconnected', at: 4, cause: 1006 } as TimedEvent,
      { type: 'xstate.after.reconnectGrace.client.disconnected', at: 5 },
    ]],
  ];
  it.each(cases)('matches xstate initialTransition() and transition() step by step for the %s machine', (_name, machine, input, events) => {
    const [initial, initialActions] = pureInitialTransition(machine as never, input as never);
    const [expectedInitial, expectedInitialActions] = initialTransition(machine as never, input as never);
    expect(machine.getPersistedSnapshot(initial as never)).toEqual(machine.getPersistedSnapshot(expectedInitial as never));
    expect(initialActions.map((a) => [a.type, a.params])).toEqual((expectedInitialActions as { type: string; params?: unknown }[]).map((a) => [a.type, a.params]));
    let ours = start(machine as never, input as never, 0).snapshot;
    let theirs = ours;
    for (const event of events) {
      const [next, actions] = pureTransition(machine as never, ours as never, event);
      const [expected, expectedActions] = transition(machine as never, theirs as never, event as never);
      expect(machine.getPersistedSnapshot(next as never)).toEqual(machine.getPersistedSnapshot(expected as never));
      expect(actions.map((a) => [a.type, a.params])).toEqual((expectedActions as { type: string; params?: unknown }[]).map((a) => [a.type, a.params]));
      ours = next as never;
      theirs = expected as never;
    }
  });
});
