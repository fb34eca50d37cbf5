// `step` takes shortcuts: relays skip transition() (record-only), transition() runs before can() and
// can() only decides when the snapshot comes back unchanged, and both run in one inert scope. For any
// sequence of facts, in any order, it must agree with XState's own API used plainly: can(), then
// transition(), and a rejected fact leaves the state as it was.
import * as fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { initialTransition, transition, type AnyStateMachine } from 'xstate';
import { CONNECT_TIMEOUT_EXPIRED, RECONNECT_GRACE_EXPIRED, type ClientEvent } from '../client/events.ts';
import { ROOM_IDLE_EXPIRED, type RoomEvent } from '../room/events.ts';
import { start, step, type FoldOptions, type Folded, type TimedEvent } from './fold.ts';
import { configuredMachines } from './machines.ts';
import { clientFoldOptions } from './streams.ts';

const seed = Number(process.env.FC_SEED ?? 20_261_127);
console.info(`server/runtime/step.test.ts: fast-check seed ${seed} (set FC_SEED to replay)`);

const machines = configuredMachines({ roomIdleMs: 300_000, reconnectGraceMs: 20_000, connectTimeoutMs: 30_000 });
const someone = fc.constantFrom('a', 'b', 'c');

type Fact = Omit<RoomEvent, 'at'> | Omit<ClientEvent, 'at'>;

const roomFact: fc.Arbitrary<Fact> = fc.oneof(
  fc.record({
    type: fc.constant('RoomCreated' as const),
    slug: fc.constant('r'),
    name: fc.constantFrom('R', 'Other'),
    passwordHash: fc.constantFrom(null, 'scrypt$x'),
    isPublic: fc.boolean(),
    guestLimit: fc.constantFrom(null, 1, 2),
  }),
  fc.record({ type: fc.constant('ClientJoined' as const), clientId: someone }),
  fc.record({ type: fc.constant('ClientLeft' as const), clientId: someone, reason: fc.constantFrom('bye' as const, 'connection-lost' as const) }),
  fc.constant({ type: ROOM_IDLE_EXPIRED }),
);

const clientFact: fc.Arbitrary<Fact> = fc.oneof(
  fc.record({ type: fc.constant('ClientAdmitted' as const), clientId: fc.constant('a'), room: fc.constant('r') }),
  fc.constant({ type: 'SocketConnected' as const }),
  fc.record({ type: fc.constant('SocketDisconnected' as const), cause: fc.constantFrom(1006, 'restart' as const) }),
  fc.record({ type: fc.constant('UsernameChanged' as const), username: fc.constantFrom('Bill', 'Ann') }),
  fc.record({
    type: fc.constant('MessageRelayed' as const),
    messageType: fc.constantFrom('offer' as const, 'icecandidate' as const),
    to: someone,
    bytes: fc.nat(5_000),
    candidateType: fc.constantFrom(null, 'host' as const),
  }),
  fc.record({ type: fc.constant('ChatBroadcast' as const), bytes: fc.nat(500), recipients: fc.nat(5) }),
  fc.constant({ type: 'ClientSaidBye' as const }),
  fc.constant({ type: CONNECT_TIMEOUT_EXPIRED }),
  fc.constant({ type: RECONNECT_GRACE_EXPIRED }),
);

type Actions = { type: string; params?: unknown }[];

/** What XState's API says of each fact: rejected, or the next snapshot and the actions it asks for. */
function expectAgreement(machine: AnyStateMachine, input: object, options: FoldOptions, facts: readonly Fact[]): void {
  const [initial] = initialTransition(machine, input);
  let theirs = initial;
  let ours: Folded<AnyStateMachine> = start(machine, input as never, 0);
  facts.forEach((fact, i) => {
    const event = { ...fact, at: 1_000 * (i + 1) } as TimedEvent;
    const result = step(machine, ours, event, options);
    const accepted = theirs.can(event);
    expect(result.accepted, `${event.type} in ${JSON.stringify(theirs.value)}`).toBe(accepted);
    if (!result.accepted || !accepted) return;
    const [next, actions] = transition(machine, theirs, event as never) as [typeof theirs, Actions];
    expect(machine.getPersistedSnapshot(result.folded.snapshot)).toEqual(machine.getPersistedSnapshot(next));
    expect(result.effects.map((e) => [e.type, e.params])).toEqual(
      actions.filter((a) => !a.type.startsWith('xstate.')).map((a) => [a.type, a.params]),
    );
    expect(result.folded.version).toBe(ours.version + 1);
    ours = result.folded;
    theirs = next;
  });
}

describe('step', () => {
  test('agrees with can() and transition() on any sequence of room facts', () => {
    fc.assert(fc.property(fc.array(roomFact, { maxLength: 30 }), (facts) => expectAgreement(machines.room, { slug: 'r' }, {}, facts)), {
      seed,
      numRuns: 300,
    });
  });

  test('agrees with can() and transition() on any sequence of client facts, relays included', () => {
    fc.assert(
      fc.property(fc.array(clientFact, { maxLength: 30 }), (facts) =>
        expectAgreement(machines.client, { clientId: 'a', room: 'r' }, clientFoldOptions, facts),
      ),
      { seed, numRuns: 300 },
    );
  });
});
