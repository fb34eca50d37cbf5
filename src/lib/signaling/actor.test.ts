import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, setup } from 'xstate';
import { snapshotOf, useActor } from './actor.svelte.ts';

/** The server (SSR) build of the helper: what a room page does while it is rendered on the server. */
describe('useActor during SSR', () => {
  it('creates the actor but never starts it: nothing is invoked on the server', () => {
    let started = 0;
    const machine = setup({ actors: { work: fromCallback(() => void started++) } }).createMachine({
      initial: 'running',
      states: { running: { invoke: { src: 'work' } } },
    });
    const bridge = useActor(machine);
    expect(bridge.snapshot.value).toBe('running');
    expect(started).toBe(0);
    expect(bridge.actor.getSnapshot().status).toBe('active');
  });
});

describe('snapshotOf', () => {
  it('reads the current snapshot of an actor owned elsewhere', () => {
    const machine = setup({ types: { events: {} as { type: 'GO' } } }).createMachine({
      initial: 'a',
      states: { a: { on: { GO: 'b' } }, b: {} },
    });
    const actor = createActor(machine).start();
    const view = snapshotOf(actor);
    expect(view.current.value).toBe('a');
    actor.send({ type: 'GO' });
    expect(view.current.value).toBe('b');
  });
});
