// Hostile and accidental input against decodeInbound (reliability.md IV5/IV7): it never throws, it answers
// ok or a short reason, and whatever it accepts re-encodes to JSON that decodes to the same message.
import { Arbitrary, Schema } from 'effect';
import * as fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ClientId } from './addresses.ts';
import { decodeInbound } from './codec.ts';
import { inboundByType, type InboundType } from './inbound.ts';

const seed = Number(process.env.FC_SEED ?? 20_160_316);
console.info(`protocol/fuzz.test.ts: fast-check seed ${seed} (set FC_SEED to replay)`);
const cheap = { seed, numRuns: 2000 } as const;

const INBOUND_TYPES = Object.keys(inboundByType) as InboundType[];
const MESSAGE_KEYS = new Set(['sender', 'receiver', 'type', 'data']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

/** effect's `Arbitrary.make` builds on its bundled fast-check 3; `makeLazy` builds on the fast-check 4 we run. */
const arbitraryOf = <A, I>(schema: Schema.Schema<A, I>): fc.Arbitrary<A> =>
  Arbitrary.makeLazy(schema)(fc as never) as unknown as fc.Arbitrary<A>;

const clientId = arbitraryOf(ClientId);

/** Valid client messages of every type, as plain JSON (sender: none or an id, as real clients send). */
const validMessage: fc.Arbitrary<{ [key: string]: Json }> = fc
  .tuple(
    fc.oneof(...Object.values(inboundByType).map((schema) => arbitraryOf(schema as Schema.Schema<object, unknown>))),
    fc.option(clientId, { nil: undefined }),
  )
  .map(([message, sender]) => {
    const { sender: _unknown, ...rest } = message as { sender?: unknown };
    return JSON.parse(JSON.stringify(sender === undefined ? rest : { sender, ...rest })) as { [key: string]: Json };
  });

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** The contract every frame must meet, whatever it holds. */
function expectWellBehaved(frame: string): void {
  const result = decodeInbound(frame); // a throw here fails the property with the frame as counterexample

  if (result.ok) {
    expect(INBOUND_TYPES).toContain(result.message.type);
    expect(Object.keys(result.message).every((key) => MESSAGE_KEYS.has(key))).toBe(true);
    expect(decodeInbound(JSON.stringify(result.message))).toEqual({ ok: true, message: viaJson(result.message) });
  } else {
    expect(result.reason.length).toBeGreaterThan(0);
    expect(result.reason.length).toBeLessThan(200);
  }
}

// ---- mutations of valid messages ----

const kindOf = (value: Json): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const SAMPLES_OF_EVERY_KIND: Json[] = [null, true, false, 0, -1, 1.5, 1e308, '', 'x', 'ground control', [], [1], {}, { a: 'b' }];

function allPaths(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => [[...prefix, key], ...allPaths((value as Record<string | number, Json>)[key] as Json, [...prefix, key])]);
}

function valueAt(root: Json, path: Path): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key] as Json, root);
}

function parentOf(root: Json, path: Path): Record<string | number, Json> {
  return valueAt(root, path.slice(0, -1)) as Record<string | number, Json>;
}

type Mutation =
  | { readonly kind: 'delete'; readonly pick: number }
  | { readonly kind: 'retype'; readonly type: string }
  | { readonly kind: 'swap'; readonly pick: number; readonly sample: number }
  | { readonly kind: 'readdress'; readonly receiver: Json }
  | { readonly kind: 'forbidden-key'; readonly pick: number; readonly key: string }
  | { readonly kind: 'extra-key'; readonly pick: number; readonly key: string; readonly value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }), weight: 3 },
  fc.record({
    kind: fc.constant('retype' as const),
    type: fc.oneof(fc.constantFrom(...INBOUND_TYPES, 'room-info', 'ice-servers', 'error', 'Ping', ''), fc.string()),
  }),
  { arbitrary: fc.record({ kind: fc.constant('swap' as const), pick: fc.nat(), sample: fc.nat() }), weight: 3 },
  fc.record({
    kind: fc.constant('readdress' as const),
    receiver: fc.oneof(
      fc.constantFrom<Json>('room', 'ground control', 'Ground Control', null, 0),
      clientId.map((id) => id.toUpperCase()),
      clientId.map((id) => `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`),
      clientId.map((id) => id.slice(1)),
      clientId,
      fc.string(),
    ),
  }),
  fc.record({ kind: fc.constant('forbidden-key' as const), pick: fc.nat(), key: fc.constantFrom('__proto__', 'constructor', 'prototype') }),
  fc.record({ kind: fc.constant('extra-key' as const), pick: fc.nat(), key: fc.string(), value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> }),
);

/** Applies a mutation to a copy of `message`, keeping the root an object. */
function mutate(message: { [key: string]: Json }, m: Mutation): { [key: string]: Json } {
  const copy = structuredClone(message);
  const paths = allPaths(copy);
  const objects = [[] as Path, ...paths.filter((p) => kindOf(valueAt(copy, p)) === 'object')];
  if (paths.length === 0 && (m.kind === 'delete' || m.kind === 'swap')) return copy; // earlier deletes emptied it
  switch (m.kind) {
    case 'delete': {
      const path = paths[m.pick % paths.length]!;
      const parent = parentOf(copy, path);
      if (Array.isArray(parent)) parent.splice(path.at(-1) as number, 1);
      else delete parent[path.at(-1)!];
      return copy;
    }
    case 'retype':
      return { ...copy, type: m.type };
    case 'swap': {
      const path = paths[m.pick % paths.length]!;
      const parent = parentOf(copy, path);
      const before = kindOf(parent[path.at(-1)!] as Json);
      const others = SAMPLES_OF_EVERY_KIND.filter((v) => kindOf(v) !== before);
      parent[path.at(-1)!] = structuredClone(others[m.sample % others.length]!);
      return copy;
    }
    case 'readdress':
      return { ...copy, receiver: m.receiver };
    case 'forbidden-key':
    case 'extra-key': {
      const path = objects[m.pick % objects.length]!;
      const target = valueAt(copy, path) as { [key: string]: Json };
      // defineProperty, not assignment: `target.__proto__ = …` would set the prototype instead of a key.
      const value = m.kind === 'extra-key' ? m.value : { polluted: true };
      Object.defineProperty(target, m.key, { value, enumerable: true, configurable: true, writable: true });
      return copy;
    }
  }
}

/** Character-level damage to a frame's text: delete, insert or replace one character. */
const damagedFrame = fc
  .tuple(validMessage, fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }))
  .map(([message, at, how, char]) => {
    const text = JSON.stringify(message);
    const i = at % (text.length + 1);
    if (how === 'delete') return text.slice(0, i) + text.slice(i + 1);
    if (how === 'insert') return text.slice(0, i) + char + text.slice(i);
    return text.slice(0, i) + char + text.slice(i + 1);
  });

describe('decodeInbound never throws and answers ok or a short reason', () => {
  test('for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), expectWellBehaved), cheap);
  });

  test('for any JSON value (ASCII strings)', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => expectWellBehaved(JSON.stringify(value))), cheap);
  });

  test('for any JSON value with arbitrary unicode strings, lone surrogates included', () => {
    fc.assert(fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => expectWellBehaved(JSON.stringify(value))), cheap);
  });

  test('for objects shaped almost like messages', () => {
    const nearMiss = fc.record(
      {
        sender: fc.oneof(clientId, fc.jsonValue({ maxDepth: 2 })),
        receiver: fc.oneof(fc.constantFrom('room', 'ground control'), clientId, fc.jsonValue({ maxDepth: 1 })),
        type: fc.oneof(fc.constantFrom(...INBOUND_TYPES), fc.jsonValue({ maxDepth: 1 })),
        data: fc.jsonValue({ maxDepth: 3 }),
      },
      { requiredKeys: [] },
    );

    fc.assert(fc.property(nearMiss, (value) => expectWellBehaved(JSON.stringify(value))), cheap);
  });

  test('for valid messages with one to three mutations (delete a key, change the type, swap a value\'s type, readdress, add keys)', () => {
    const mutated = fc.tuple(validMessage, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([m, ms]) => ms.reduce(mutate, m));

    fc.assert(fc.property(mutated, (value) => expectWellBehaved(JSON.stringify(value))), cheap);
  });

  test('for valid frames with one character deleted, inserted or replaced', () => {
    fc.assert(fc.property(damagedFrame, expectWellBehaved), cheap);
  });
});

describe('mutations with a known outcome', () => {
  test('a valid message without its receiver is refused naming the receiver', () => {
    fc.assert(
      fc.property(validMessage, ({ receiver: _gone, ...message }) => {
        expect(decodeInbound(JSON.stringify(message))).toEqual({ ok: false, reason: `Invalid ${message.type} message: receiver: is missing` });
      }),
      cheap,
    );
  });

  test('a valid message without its type is refused as missing a type', () => {
    fc.assert(
      fc.property(validMessage, ({ type: _gone, ...message }) => {
        expect(decodeInbound(JSON.stringify(message))).toEqual({ ok: false, reason: 'Missing field: type' });
      }),
      cheap,
    );
  });

  test('a valid message retyped to a name outside the allowlist is refused as unknown', () => {
    const unknownType = fc.string({ unit: 'binary' }).filter((t) => !(INBOUND_TYPES as string[]).includes(t));

    fc.assert(
      fc.property(validMessage, unknownType, (message, type) => {
        const result = decodeInbound(JSON.stringify({ ...message, type }));

        expect(result.ok).toBe(false);
        expect(!result.ok && result.reason).toMatch(/^Unknown message type: [\x20-\x7e]{0,64}…?$/);
      }),
      cheap,
    );
  });

  test('a forbidden key added anywhere in a valid message gets it refused', () => {
    const withForbiddenKey = fc
      .tuple(validMessage, fc.nat(), fc.constantFrom('__proto__', 'constructor', 'prototype'))
      .map(([message, pick, key]) => ({ frame: JSON.stringify(mutate(message, { kind: 'forbidden-key', pick, key })), key }));

    fc.assert(
      fc.property(withForbiddenKey, ({ frame, key }) => {
        expect(decodeInbound(frame)).toEqual({ ok: false, reason: `Forbidden key: ${key}` });
        expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      }),
      cheap,
    );
  });

  test('extra keys added anywhere in a valid message never reach the decoded value', () => {
    const padded = fc
      .tuple(validMessage, fc.array(fc.tuple(fc.nat(), fc.string({ minLength: 1 }).map((k) => `x-${k}`)), { minLength: 1, maxLength: 3 }))
      .map(([message, extras]) => ({
        message,
        frame: JSON.stringify(extras.reduce((m, [pick, key]) => mutate(m, { kind: 'extra-key', pick, key, value: 'extra' }), message)),
      }));

    fc.assert(
      fc.property(padded, ({ message, frame }) => {
        expect(decodeInbound(frame)).toEqual({ ok: true, message });
      }),
      cheap,
    );
  });
});
