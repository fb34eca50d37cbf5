import type { AnyStateMachine, EventFrom, InputFrom, SnapshotFrom } from 'xstate';
import { start, step, type Effect, type Folded, type FoldOptions, type TimedEvent } from '../runtime/fold.ts';

/**
 * Machine tests written as specifications: given these facts, when this one arrives, then it is
 * accepted (with this state and these effects) or rejected.
 */
export function specFor<M extends AnyStateMachine>(machine: M, input: InputFrom<M>, options: FoldOptions = {}) {
  return {
    given(...facts: EventFrom<M>[]) {
      let folded: Folded<M> = start(machine, input, (facts[0] as TimedEvent | undefined)?.at ?? 0);
      for (const fact of facts) {
        const result = step(machine, folded, fact as TimedEvent, options);
        if (!result.accepted) throw new Error(`given: ${(fact as TimedEvent).type} was rejected in ${stateOf(folded)}`);
        folded = result.folded;
      }
      return {
        folded,
        when(fact: EventFrom<M>) {
          const result = step(machine, folded, fact as TimedEvent, options);
          return {
            rejected: !result.accepted,
            get accepted(): { snapshot: SnapshotFrom<M>; effects: readonly Effect[]; folded: Folded<M> } {
              if (!result.accepted) throw new Error(`${(fact as TimedEvent).type} was rejected in ${stateOf(folded)}`);
              return { snapshot: result.folded.snapshot, effects: result.effects, folded: result.folded };
            },
          };
        },
      };
    },
  };
}

const stateOf = (folded: Folded<AnyStateMachine>) => JSON.stringify((folded.snapshot as { value: unknown }).value);
