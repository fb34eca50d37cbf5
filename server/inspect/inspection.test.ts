import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { fixture } from '../../tests/replay/support.ts';
import { readConfig } from '../config.ts';
import { configuredMachines } from '../runtime/machines.ts';
import { replayRoom } from '../runtime/replay.ts';
import { inspectReplay, type InspectionMessage } from './inspection.ts';

const machines = configuredMachines(readConfig({}));
const inspect = (name: Parameters<typeof fixture>[0], slug: string) => {
  const messages: InspectionMessage[] = [];
  inspectReplay({ send: (m) => messages.push(m) }, machines, slug, fixture(name));
  return messages;
};

describe('inspection of a stored log', () => {
  it('registers the room and each client once, clients under their room, with loadable definitions', () => {
    const actors = inspect('two-person-call', 'two-person-call').filter((m) => m.type === '@xstate.actor');
    expect(actors.map((a) => [a.sessionId, a.name, a.parentId, a.rootId])).toEqual([
      ['room-two-person-call', 'room', undefined, 'room-two-person-call'],
      ['client-a11ce000000000000000000000000001', 'client', 'room-two-person-call', 'room-two-person-call'],
      ['client-b0b00000000000000000000000000002', 'client', 'room-two-person-call', 'room-two-person-call'],
    ]);
    for (const actor of actors) expect(createMachine(JSON.parse(actor.definition!)).id).toBe(actor.name);
    expect(actors[0]!.snapshot).toMatchObject({ status: 'active', value: 'unborn' });
  });

  it('sends every fact with its time, and the state it led to, ending where the replay ends', () => {
    const events = fixture('two-person-call');
    const messages = inspect('two-person-call', 'two-person-call');
    const facts = messages.filter((m) => m.type === '@xstate.event');
    expect(facts.map((m) => m.event.type)).toEqual(events.map((e) => e.type));
    expect(facts.map((m) => m.createdAt)).toEqual(events.map((e) => String(e.recordedAt)));
    const snapshots = messages.filter((m) => m.type === '@xstate.snapshot');
    expect(snapshots).toHaveLength(events.length);
    const replay = replayRoom(machines, 'two-person-call', events);
    const lastOfRoom = snapshots.filter((m) => m.sessionId === 'room-two-person-call').at(-1)!;
    expect(lastOfRoom.snapshot.value).toEqual(replay.room!.snapshot.value);
    expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
  });

  it('shows a refused fact without a new state', () => {
    const messages = inspect('broken-log', 'broken-log');
    expect(messages.filter((m) => m.type === '@xstate.event')).toHaveLength(10);
    expect(messages.filter((m) => m.type === '@xstate.snapshot')).toHaveLength(9);
    expect(messages.at(-1)).toMatchObject({ type: '@xstate.event', event: { type: 'ClientLeft' } });
  });

  it('never sends a password hash', () => {
    const text = JSON.stringify(inspect('two-person-call', 'two-person-call'));
    expect(text).not.toContain('scrypt$');
    expect(text).toContain('"passwordHash":"(set)"');
  });
});
