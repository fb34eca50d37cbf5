import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { guardText } from './definition.ts';

// A structural description of a machine, for diagrams and comparisons.

/** The pseudo-state that stands for "any state": the source of transitions declared on the machine itself. */
export const ANY_STATE = '*';

export interface StateInfo {
  /** Dotted path below the machine, e.g. `open.empty`; `*` for the machine itself. */
  readonly path: string;
  readonly key: string;
  readonly type: string;
  /** Path of the initial child, for compound states. */
  readonly initial: string | undefined;
  readonly parent: string | undefined;
  readonly children: readonly string[];
}

export interface TransitionInfo {
  readonly source: string;
  /** Paths of the targets; empty for a transition that stays (actions only). */
  readonly targets: readonly string[];
  /** The event; `xstate.after.…` for a delay, '' for an eventless (`always`) transition. */
  readonly eventType: string;
  /** The delay's name for an `after` transition. */
  readonly delay: string | undefined;
  readonly guard: string | undefined;
  readonly actions: readonly string[];
}

export interface MachineInfo {
  readonly id: string;
  /** The top-level initial state (parallel machines have none). */
  readonly initial: string | undefined;
  readonly states: readonly StateInfo[];
  readonly transitions: readonly TransitionInfo[];
}

const pathOf = (node: AnyStateNode) => (node.parent ? node.path.join('.') : ANY_STATE);

const actionText = (action: unknown): string =>
  typeof action === 'string'
    ? action
    : typeof action === 'function'
      ? action.name || 'inline'
      : String((action as { type?: unknown }).type ?? 'inline');

interface RawTransition {
  readonly target?: readonly AnyStateNode[];
  readonly guard?: unknown;
  readonly actions: readonly unknown[];
  readonly delay?: unknown;
}

export function describeMachine(machine: AnyStateMachine): MachineInfo {
  const states: StateInfo[] = [];
  const transitions: TransitionInfo[] = [];
  const add = (source: AnyStateNode, eventType: string, t: RawTransition) =>
    transitions.push({
      source: pathOf(source),
      targets: (t.target ?? []).map(pathOf),
      eventType,
      delay: typeof t.delay === 'string' || typeof t.delay === 'number' ? String(t.delay) : undefined,
      guard: guardText(t.guard),
      actions: t.actions.map(actionText),
    });
  const visit = (node: AnyStateNode) => {
    const children = Object.values(node.states) as AnyStateNode[];
    if (node.parent) {
      const initialTarget = node.type === 'compound' ? (node.initial?.target?.[0] as AnyStateNode | undefined) : undefined;
      states.push({
        path: pathOf(node),
        key: node.key,
        type: node.type,
        initial: initialTarget ? pathOf(initialTarget) : undefined,
        parent: node.parent.parent ? pathOf(node.parent) : undefined,
        children: children.map(pathOf),
      });
    }
    for (const [eventType, list] of node.transitions) for (const t of list) add(node, eventType, t as RawTransition);
    for (const t of (node.always ?? []) as RawTransition[]) add(node, '', t);
    for (const child of children) visit(child);
  };
  visit(machine.root);
  if (transitions.some((t) => t.source === ANY_STATE)) {
    states.push({ path: ANY_STATE, key: '(any state)', type: 'atomic', initial: undefined, parent: undefined, children: [] });
  }
  const initial = machine.root.type === 'compound' ? (machine.root.initial?.target?.[0] as AnyStateNode | undefined) : undefined;
  return { id: machine.id, initial: initial ? pathOf(initial) : undefined, states, transitions };
}

/** What the arrow says: the event (`after <delay>`, `always`) and the guard. */
export function transitionLabel(t: TransitionInfo): string {
  const event = t.delay !== undefined ? `after ${t.delay}` : t.eventType === '' ? 'always' : t.eventType;
  return t.guard ? `${event} [${t.guard}]` : event;
}
