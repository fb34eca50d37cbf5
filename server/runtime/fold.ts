import { createActor, type AnyActorScope, type AnyStateMachine, type InputFrom, type SnapshotFrom } from 'xstate';

/** A delayed event a machine has scheduled and not cancelled, with the time it is due. */
export interface PendingTimer {
  readonly id: string;
  readonly eventType: string;
  readonly dueAt: number;
}

/** An actor's state as a fold over its stream: the snapshot, how many events it took, its timers. */
export interface Folded<M extends AnyStateMachine> {
  readonly snapshot: SnapshotFrom<M>;
  readonly version: number;
  readonly timers: ReadonlyMap<string, PendingTimer>;
}

/** A named action the machine asked for; the live host performs it, replay drops it. */
export interface Effect {
  readonly type: string;
  readonly params: Record<string, unknown> | undefined;
}

export type Step<M extends AnyStateMachine> =
  | { readonly accepted: true; readonly folded: Folded<M>; readonly effects: readonly Effect[] }
  | { readonly accepted: false };

export interface TimedEvent {
  readonly type: string;
  readonly at: number;
}

export interface FoldOptions {
  /** Events accepted without changing anything in the given state; applied without `transition()`. */
  readonly isRecordOnly?: (stateValue: unknown, eventType: string) => boolean;
}

const NO_EFFECTS: readonly Effect[] = [];
/** Shared by every fold without a pending delay (applyTimers copies before it changes anything). */
const NO_TIMERS: ReadonlyMap<string, PendingTimer> = new Map();

export function start<M extends AnyStateMachine>(machine: M, input: InputFrom<M>, at: number): Folded<M> {
  const [snapshot, actions] = pureInitialTransition(machine, input);
  return { snapshot, version: 0, timers: applyTimers(NO_TIMERS, actions, at) };
}

/**
 * One event through the machine's pure `transition()`: the same function serves the live host and
 * replay, which is what makes "state is what replaying the log gives" true by construction.
 */
export function step<M extends AnyStateMachine>(
  machine: M,
  folded: Folded<M>,
  event: TimedEvent,
  options: FoldOptions = {},
): Step<M> {
  const snapshot = folded.snapshot as unknown as { value: unknown; can: (e: unknown) => boolean };
  if (options.isRecordOnly?.(snapshot.value, event.type)) {
    // Spelled out, not spread: folds are made by several literals, and spreading them went megamorphic
    // (the costliest line of a replay, which is mostly relays).
    return { accepted: true, folded: { snapshot: folded.snapshot, version: folded.version + 1, timers: folded.timers }, effects: NO_EFFECTS };
  }
  // Transition first, and ask can() only when the snapshot comes back unchanged: with no transition
  // enabled XState returns the very same snapshot, so a changed one was accepted, and most events
  // change it. can() walks the machine again, guards included; it still decides the unchanged case
  // (a self-target without actions is accepted). The step property test holds this to XState's API.
  const [next, actions] = pureTransition(machine, folded.snapshot, event);
  if (next === folded.snapshot && !snapshot.can(event)) return { accepted: false };
  const effects: Effect[] = [];
  for (const action of actions) {
    if (!action.type.startsWith('xstate.')) effects.push({ type: action.type, params: action.params as Effect['params'] });
  }
  return {
    accepted: true,
    folded: { snapshot: next as SnapshotFrom<M>, version: folded.version + 1, timers: applyTimers(folded.timers, actions, event.at) },
    effects,
  };
}

type ExecutedAction = { type: string; params?: unknown };

/**
 * XState's `initialTransition()` and `transition()`, without their cost: each builds a throwaway actor
 * (and the machine's initial snapshot) on every call, most of its time, and the host starts a client
 * machine on every join. The inert scope they build is made once per machine here instead; actions
 * are collected, never executed, exactly as XState does. A test holds both to XState's results.
 */
const scopes = new WeakMap<AnyStateMachine, { scope: AnyActorScope; executed: ExecutedAction[] }>();

function inertScope(machine: AnyStateMachine): { scope: AnyActorScope; executed: ExecutedAction[] } {
  let inert = scopes.get(machine);
  if (!inert) {
    const self = createActor(machine);
    const executed: ExecutedAction[] = [];
    const scope = {
      self,
      id: '',
      sessionId: '',
      system: self.system,
      defer: () => {},
      logger: () => {},
      stopChild: () => {},
      emit: () => {},
      actionExecutor: (action: ExecutedAction) => void executed.push(action),
    } as unknown as AnyActorScope;
    inert = { scope, executed };
    scopes.set(machine, inert);
  }
  inert.executed.length = 0;
  return inert;
}

export function pureInitialTransition<M extends AnyStateMachine>(machine: M, input: InputFrom<M>): [SnapshotFrom<M>, ExecutedAction[]] {
  const { scope, executed } = inertScope(machine);
  const snapshot = machine.getInitialSnapshot(scope, input) as SnapshotFrom<M>;
  return [snapshot, executed.slice()];
}

export function pureTransition<M extends AnyStateMachine>(machine: M, snapshot: SnapshotFrom<M>, event: TimedEvent): [SnapshotFrom<M>, ExecutedAction[]] {
  const { scope, executed } = inertScope(machine);
  const next = machine.transition(snapshot, event as never, scope) as SnapshotFrom<M>;
  return [next, executed.slice()];
}

function applyTimers(
  current: ReadonlyMap<string, PendingTimer>,
  actions: readonly ExecutedAction[],
  at: number,
): ReadonlyMap<string, PendingTimer> {
  let timers: Map<string, PendingTimer> | undefined;
  for (const action of actions) {
    const params = action.params as { id?: string; sendId?: string; delay?: number; event?: { type: string } } | undefined;
    if (action.type === 'xstate.raise' && params?.delay !== undefined && params.event && params.id) {
      timers ??= new Map(current);
      timers.set(params.id, { id: params.id, eventType: params.event.type, dueAt: at + params.delay });
    } else if (action.type === 'xstate.cancel' && params?.sendId) {
      timers ??= new Map(current);
      timers.delete(params.sendId);
    }
  }
  return timers ?? current;
}
