import { Either, ParseResult, Schema } from 'effect';
import { inboundByType, type Inbound, type InboundType } from './inbound.ts';
import { limits } from './limits.ts';
import type { Outbound } from './outbound.ts';
import { validInbound } from './valid-inbound.ts';

/**
 * The only place the server parses JSON. A frame either decodes to one known message or to a
 * reason a person can act on; it never throws.
 */
export type Decoded = { readonly ok: true; readonly message: Inbound } | { readonly ok: false; readonly reason: string };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const decoders = Object.fromEntries(
  Object.entries(inboundByType).map(([type, schema]) => [
    type,
    // Unknown keys are dropped, not refused: the decoded value is what gets re-serialised and relayed.
    Schema.decodeUnknownEither(schema as Schema.Schema<Inbound, unknown>, { errors: 'first' }),
  ]),
) as Record<InboundType, (u: unknown) => Either.Either<Inbound, ParseResult.ParseError>>;

export function decodeInbound(frame: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return fail('Malformed JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('A message must be a JSON object');
  const shape = checkShape(value, 1);
  if (shape) return fail(shape);
  const type = (value as { type?: unknown }).type;
  if (type === undefined) return fail('Missing field: type');
  if (typeof type !== 'string') return fail('Field "type" must be a string');
  if (!Object.hasOwn(decoders, type)) return fail(`Unknown message type: ${printable(type)}`);
  // Most frames are valid, and plain checks decode those far faster; the schema judges the rest.
  const valid = validInbound(value as Record<string, unknown>, type as InboundType);
  if (valid) return { ok: true, message: valid };
  const decoded = decoders[type as InboundType](value);
  if (Either.isRight(decoded)) return { ok: true, message: decoded.right };
  return fail(`Invalid ${type} message: ${describe(decoded.left)}`);
}

/** Server frames always carry all four keys; `data` is null where a message has none. */
export function encodeOutbound(message: Outbound): string {
  return encodeFrame(message.sender, message.receiver, message.type, message.data);
}

/** The same frame from its parts, so a relay need not build a message object only to encode it. */
export function encodeFrame(sender: string, receiver: string, type: Outbound['type'], data: unknown): string {
  return JSON.stringify({ sender, receiver, type, data: data ?? null });
}

function fail(reason: string): Decoded {
  return { ok: false, reason };
}

function checkShape(value: object, depth: number): string | undefined {
  if (depth > limits.depth) return `Message nested deeper than ${limits.depth} levels`;
  // for…in, not Object.keys: every frame passes here, and the keys array was garbage per object. JSON.parse
  // makes plain objects and arrays, whose enumerable keys are all their own (`__proto__` included).
  for (const key in value) {
    if (FORBIDDEN_KEYS.has(key)) return `Forbidden key: ${key}`;
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) {
      const problem = checkShape(child, depth + 1);
      if (problem) return problem;
    }
  }
  return undefined;
}

function describe(error: ParseResult.ParseError): string {
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error);
  if (!issue) return 'does not match the protocol';
  const path = issue.path.length ? issue.path.join('.') : 'message';
  // Effect appends `, actual <the client's value>`: that would echo up to a whole frame (a 32 KiB sdp) back
  // and into logs, so keep only what was expected. A struct's expectation is printed as its whole schema.
  const cut = issue.message.indexOf(', actual ');
  const expected = cut < 0 ? issue.message : issue.message.slice(0, cut);
  const message = expected.startsWith('Expected {') ? 'Expected an object' : expected;
  return `${path}: ${printable(message, 120)}`;
}

/** Echoing a client's string back must not echo megabytes or control characters. */
function printable(text: string, max = 64): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
