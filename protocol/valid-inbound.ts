import { GROUND_CONTROL, ROOM } from './addresses.ts';
import type { Inbound, InboundType } from './inbound.ts';
import { limits } from './limits.ts';

/**
 * The inbound schemas (inbound.ts) restated as plain checks, for the frames that pass them: decoding
 * every frame through Effect Schema cost about a tenth of the server's time per relayed message. A
 * frame these checks accept is built exactly as the schema would decode it (known keys only, in the
 * schema's order); a frame they do not accept goes to the schema, which alone words the error. So
 * the schemas stay the one definition of what is valid, and a property test holds the two to the
 * same answers.
 */
type Json = Record<string, unknown>;
type Check = (message: Json) => Inbound | undefined;

const CLIENT_ID = /^[0-9a-f]{32}$/;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isClientId = (value: unknown): value is string => typeof value === 'string' && CLIENT_ID.test(value);
const isFinite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isBounded = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max;
const has = (object: Json, key: string) => Object.hasOwn(object, key);

/** `{ sender?, receiver, type, data? }`: the order and presence the schemas' decoding gives. */
function message(source: Json, data: unknown, withData = true): Inbound {
  const out: Json = {};
  if (has(source, 'sender')) out.sender = source.sender;
  out.receiver = source.receiver;
  out.type = source.type;
  if (withData) out.data = data;
  return out as unknown as Inbound;
}

const toGroundControl = (source: Json) => source.receiver === GROUND_CONTROL;

const timestamp: Check = (m) => (toGroundControl(m) && isFinite(m.data) ? message(m, m.data) : undefined);

const noData: Check = (m) => {
  if (!toGroundControl(m)) return undefined;
  if (!has(m, 'data')) return message(m, undefined, false);
  return m.data === null ? message(m, null) : undefined;
};

const greeting: Check = (m) => (toGroundControl(m) && isBounded(m.data, limits.greetingChars) ? message(m, m.data) : undefined);

const profile: Check = (m) => {
  if (!toGroundControl(m) || !isObject(m.data)) return undefined;
  const { username } = m.data;
  if (!isBounded(username, limits.usernameChars) || username.trim().length === 0) return undefined;
  return message(m, { username });
};

const text: Check = (m) => {
  if (!(m.receiver === ROOM || isClientId(m.receiver)) || !isObject(m.data)) return undefined;
  const { from, time, text } = m.data;
  if (!isBounded(from, limits.usernameChars) || !isFinite(time) || !isBounded(text, limits.chatChars)) return undefined;
  return message(m, { from, time, text });
};

const description =
  (kind: 'offer' | 'answer'): Check =>
  (m) => {
    if (!isClientId(m.receiver) || !isObject(m.data)) return undefined;
    const { type, sdp } = m.data;
    return type === kind && isBounded(sdp, limits.sdpChars) ? message(m, { type, sdp }) : undefined;
  };

const OPTIONAL_CANDIDATE_FIELDS = [
  ['sdpMid', (v: unknown) => isBounded(v, 64)],
  ['sdpMLineIndex', (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 1024],
  ['usernameFragment', (v: unknown) => isBounded(v, 256)],
] as const;

const iceCandidate: Check = (m) => {
  if (!isClientId(m.receiver) || !isObject(m.data)) return undefined;
  const source = m.data;
  if (!isBounded(source.candidate, limits.candidateChars)) return undefined;
  const data: Json = { candidate: source.candidate };
  for (const [key, valid] of OPTIONAL_CANDIDATE_FIELDS) {
    if (!has(source, key)) continue;
    const value = source[key];
    if (value !== null && !valid(value)) return undefined;
    data[key] = value;
  }
  return message(m, data);
};

const bye: Check = (m) => {
  if (!(toGroundControl(m) || isClientId(m.receiver))) return undefined;
  if (!has(m, 'data')) return message(m, undefined, false);
  return m.data === null || isFinite(m.data) ? message(m, m.data) : undefined;
};

const checks: Record<InboundType, Check> = {
  ping: timestamp,
  pong: timestamp,
  greeting,
  'get-room-info': noData,
  'get-ice-servers': noData,
  profile,
  text,
  offer: description('offer'),
  answer: description('answer'),
  icecandidate: iceCandidate,
  bye,
};

/** The decoded message if `value` (a JSON object whose `type` is `type`) is valid; undefined if the schema must judge it. */
export function validInbound(value: Json, type: InboundType): Inbound | undefined {
  return checks[type](value);
}
