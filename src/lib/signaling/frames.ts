import type { Inbound } from '$protocol/inbound.ts';
import type { Outbound } from '$protocol/outbound.ts';

/**
 * The browser's view of the wire protocol. Types come from `protocol/` (type-only: its values would
 * pull Effect into the bundle); the few checks the client needs to dispatch on `type` are written
 * here by hand. The server validates and re-serialises every frame, so these guards only make sure
 * a frame has the shape the code below relies on.
 */

/** A frame this client sends (the server's inbound union). */
export type ClientFrame = Inbound;
/** A frame the server sends (its outbound union). */
export type ServerFrame = Outbound;

export const GROUND_CONTROL = 'ground control';

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;
export type PongFrame = FrameOf<'pong'>;
export type RoomInfoFrame = FrameOf<'room-info'>;
export type IceServersFrame = FrameOf<'ice-servers'>;
/** Perfect-negotiation traffic relayed from one peer. */
export type PeerSignalFrame = FrameOf<'offer'> | FrameOf<'answer'> | FrameOf<'icecandidate'>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isOptionalStringOrNull = (value: unknown) => value === undefined || value === null || isString(value);

const dataChecks: { readonly [K in ServerFrame['type']]: (data: unknown) => boolean } = {
  pong: isNumber,
  'room-info': (data) =>
    isObject(data) &&
    isString(data.room_id) &&
    Array.isArray(data.clients) &&
    data.clients.every((c) => isObject(c) && isString(c.id) && isString(c.username)),
  'ice-servers': (data) =>
    Array.isArray(data) &&
    data.every((s) => isObject(s) && Array.isArray(s.urls) && s.urls.every(isString) && isOptionalStringOrNull(s.username)),
  error: isString,
  offer: (data) => isObject(data) && data.type === 'offer' && isString(data.sdp),
  answer: (data) => isObject(data) && data.type === 'answer' && isString(data.sdp),
  icecandidate: (data) =>
    isObject(data) &&
    isString(data.candidate) &&
    isOptionalStringOrNull(data.sdpMid) &&
    (data.sdpMLineIndex === undefined || data.sdpMLineIndex === null || isNumber(data.sdpMLineIndex)) &&
    isOptionalStringOrNull(data.usernameFragment),
  text: (data) => isObject(data) && isString(data.from) && isNumber(data.time) && isString(data.text),
  bye: (data) => data === null || data === undefined || isNumber(data),
};

export function isServerFrame(value: unknown): value is ServerFrame {
  if (!isObject(value) || !isString(value.type) || !isString(value.sender) || !isString(value.receiver)) return false;
  const check = (dataChecks as Record<string, ((data: unknown) => boolean) | undefined>)[value.type];
  return check !== undefined && check(value.data);
}

/** Parses one websocket text frame; null for anything that is not a server frame we understand. */
export function parseServerFrame(text: string): ServerFrame | null {
  try {
    const value: unknown = JSON.parse(text);
    return isServerFrame(value) ? value : null;
  } catch {
    return null;
  }
}

export const isPeerSignal = (frame: ServerFrame): frame is PeerSignalFrame =>
  frame.type === 'offer' || frame.type === 'answer' || frame.type === 'icecandidate';
