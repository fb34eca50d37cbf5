// The plain checks (valid-inbound.ts) against the schemas they restate: for any object with a known
// type, they accept exactly what the schema accepts and build exactly the value it decodes to, key
// order included (the decoded value is what gets re-serialised and relayed).
import { Arbitrary, Either, Schema } from 'effect';
import * as fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ClientId } from './addresses.ts';
import { inboundByType, type InboundType } from './inbound.ts';
import { limits } from './limits.ts';
import { validInbound } from './valid-inbound.ts';

const seed = Number(process.env.FC_SEED ?? 20_261_127);
console.info(`protocol/valid-inbound.test.ts: fast-check seed ${seed} (set FC_SEED to replay)`);

const INBOUND_TYPES = Object.keys(inboundByType) as InboundType[];
type Json = Record<string, unknown>;

const arbitraryOf = <A, I>(schema: Schema.Schema<A, I>): fc.Arbitrary<A> =>
  Arbitrary.makeLazy(schema)(fc as never) as unknown as fc.Arbitrary<A>;

const bySchema = (value: Json, type: InboundType) =>
  Schema.decodeUnknownEither(inboundByType[type] as Schema.Schema<unknown, unknown>, { errors: 'first' })(value);

/** Both verdicts agree, and an accepted value is the same object, key for key and in the same order. */
function expectAgreement(value: Json): void {
  const type = value.type as InboundType;
  const expected = bySchema(value, type);
  const actual = validInbound(value, type);
  if (Either.isRight(expected)) {
    expect(actual, `the plain checks refuse what the schema accepts: ${JSON.stringify(value)}`).toBeDefined();
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected.right));
    expect(actual).toStrictEqual(expected.right);
  } else {
    expect(actual, `the plain checks accept what the schema refuses: ${JSON.stringify(value)}`).toBeUndefined();
  }
}

const clientId = arbitraryOf(ClientId);

/** Valid messages of every type as the schemas' arbitraries make them, through JSON as a frame would be. */
const validMessage: fc.Arbitrary<Json> = fc
  .tuple(fc.oneof(...INBOUND_TYPES.map((t) => arbitraryOf(inboundByType[t] as Schema.Schema<object, unknown>))), fc.option(clientId, { nil: undefined }))
  .map(([message, sender]) => {
    const { sender: _ignored, ...rest } = message as { sender?: unknown };
    return JSON.parse(JSON.stringify(sender === undefined ? rest : { sender, ...rest })) as Json;
  });

/** Values on either side of every bound in the protocol, and every JSON kind. */
const edge = (n: number, char = 'x') => char.repeat(n);
const SAMPLES: unknown[] = [
  null, true, false, 0, -0, 1, -1, 1.5, 1024, 1025, 1e308, Number.MAX_SAFE_INTEGER + 2, Infinity, -Infinity, NaN,
  '', ' ', '\t\n', 'x', 'room', 'ground control', 'offer', 'answer', 'a'.repeat(32), 'A'.repeat(32),
  edge(64), edge(65), edge(256), edge(257), edge(limits.candidateChars), edge(limits.candidateChars + 1),
  edge(limits.chatChars), edge(limits.chatChars + 1), edge(limits.greetingChars + 1), edge(limits.sdpChars), edge(limits.sdpChars + 1),
  edge(64, ' '), '😀'.repeat(32), '😀'.repeat(33), [], ['x'], {}, { type: 'offer' }, { username: 'x' },
];
const sample = fc.constantFrom(...SAMPLES);

const KEYS = ['sender', 'receiver', 'type', 'data', 'username', 'from', 'time', 'text', 'sdp', 'candidate', 'sdpMid', 'sdpMLineIndex', 'usernameFragment', 'extra'];

type Change = { kind: 'set' | 'delete'; inData: boolean; key: string; value: unknown };
const change: fc.Arbitrary<Change> = fc.record({
  kind: fc.constantFrom('set' as const, 'delete' as const),
  inData: fc.boolean(),
  key: fc.constantFrom(...KEYS),
  value: fc.oneof(sample, clientId, fc.jsonValue({ maxDepth: 1 })),
});

function apply(message: Json, changes: readonly Change[]): Json {
  const copy = structuredClone(message);
  for (const c of changes) {
    const target = c.inData ? copy.data : copy;
    if (typeof target !== 'object' || target === null || Array.isArray(target)) continue;
    if (!c.inData && c.key === 'type') continue; // the type picks the schema; unknown types never get here
    if (c.kind === 'delete') delete (target as Json)[c.key];
    else (target as Json)[c.key] = c.value;
  }
  return copy;
}

describe('validInbound agrees with the inbound schemas', () => {
  test('on valid messages of every type', () => {
    fc.assert(fc.property(validMessage, expectAgreement), { seed, numRuns: 3000 });
  });

  test('on valid messages with keys changed, removed or added, at the top and inside data', () => {
    fc.assert(
      fc.property(validMessage, fc.array(change, { minLength: 1, maxLength: 3 }), (message, changes) => expectAgreement(apply(message, changes))),
      { seed, numRuns: 5000 },
    );
  });

  test('on objects of every type built from edge values', () => {
    const data = fc.oneof(sample, fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(sample, clientId), { maxKeys: 5 }));
    const shaped = fc.record(
      { type: fc.constantFrom(...INBOUND_TYPES), receiver: fc.oneof(sample, clientId), data, sender: fc.oneof(sample, clientId) },
      { requiredKeys: ['type'] },
    );
    fc.assert(fc.property(shaped, (value) => expectAgreement(value as Json)), { seed, numRuns: 5000 });
  });

  test('on both sides of every bound', () => {
    const id = 'a'.repeat(32);
    const gc = 'ground control';
    const candidate = (fields: Json) => ({ receiver: id, type: 'icecandidate', data: { candidate: 'c', ...fields } });
    const bounded: [number, (s: string) => Json][] = [
      [limits.greetingChars, (s) => ({ receiver: gc, type: 'greeting', data: s })],
      [limits.usernameChars, (s) => ({ receiver: gc, type: 'profile', data: { username: s } })],
      [limits.usernameChars, (s) => ({ receiver: 'room', type: 'text', data: { from: s, time: 1, text: 't' } })],
      [limits.chatChars, (s) => ({ receiver: id, type: 'text', data: { from: 'f', time: 1, text: s } })],
      [limits.sdpChars, (s) => ({ receiver: id, type: 'offer', data: { type: 'offer', sdp: s } })],
      [limits.sdpChars, (s) => ({ receiver: id, type: 'answer', data: { type: 'answer', sdp: s } })],
      [limits.candidateChars, (s) => candidate({ candidate: s })],
      [64, (s) => candidate({ sdpMid: s })],
      [256, (s) => candidate({ usernameFragment: s })],
    ];
    for (const [max, build] of bounded) for (const length of [0, 1, max - 1, max, max + 1]) expectAgreement(build('y'.repeat(length)));
    for (const index of [-1, -0, 0, 1, 1.5, 1023, 1024, 1025, Number.MAX_SAFE_INTEGER + 2]) expectAgreement(candidate({ sdpMLineIndex: index }));
  });

  test('on the protocol examples worth naming', () => {
    const id = 'a'.repeat(32);
    for (const value of [
      { receiver: 'ground control', type: 'get-room-info' },
      { receiver: 'ground control', type: 'get-room-info', data: null },
      { receiver: 'ground control', type: 'bye' },
      { receiver: id, type: 'bye', data: 3 },
      { receiver: id, type: 'icecandidate', data: { usernameFragment: null, candidate: 'c', sdpMid: '0', extra: 1 } },
      { receiver: id, type: 'icecandidate', data: { candidate: 'c', sdpMLineIndex: 1024.5 } },
      { receiver: 'ground control', type: 'profile', data: { username: ' \u00a0 ' } },
      { data: { text: 'hi', time: 1, from: 'me' }, type: 'text', receiver: 'room', sender: { anything: true } },
    ]) {
      expectAgreement(value);
    }
  });
});
