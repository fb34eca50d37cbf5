import type { AnyStateMachine } from 'xstate';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A guard as text: a name, or a higher-order guard (`and`, `or`, `not`) over names. */
export function guardText(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const inner = (guard as { guards?: unknown[] }).guards;
    if (Array.isArray(inner)) return `${guard.name}(${inner.map(guardText).join(', ')})`;
    return guard.name || 'inline';
  }
  if (typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return 'inline';
}

const isPlainObject = (value: object) => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

function plain(value: unknown, key?: string): Json | undefined {
  if (key === 'guard') return guardText(value);
  if (typeof value === 'function') {
    // An action given as a function (assign(), an inline one) keeps its name; context, input and the like are code.
    return key === 'actions' || key === 'entry' || key === 'exit' || key === undefined ? value.name || 'inline' : undefined;
  }
  if (value === null || typeof value !== 'object') return value as Json;
  if (Array.isArray(value)) return value.map((v) => plain(v)).filter((v): v is Json => v !== undefined);
  if (!isPlainObject(value)) return undefined; // actor logic and other live objects are not part of the definition
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    const converted = plain(v, k);
    if (converted !== undefined) out[k] = converted;
  }
  return out;
}

/**
 * The machine config as JSON: the form Stately's editor imports (inside `createMachine(...)`) and the
 * inspector shows as an actor's `definition`. Implementations are referred to by name; `context` (a
 * function of the input) is left out, and a higher-order guard becomes its text, e.g. `and(hasSeat, isNewMember)`.
 */
export function definitionOf(machine: AnyStateMachine): Json {
  const { context: _context, ...config } = machine.config as Record<string, unknown>;
  return plain(config)!;
}
