import { Schema } from 'effect';
import { ClientId, GroundControl, Room } from './addresses.ts';
import { Answer, ChatData, CandidateData, IceCandidate, Offer } from './inbound.ts';

/**
 * Messages the server sends. Every frame has exactly `sender, receiver, type, data`; `data` is null
 * where a message has none, as the original server did.
 */
const FromServer = { sender: GroundControl, receiver: ClientId };
/** JSON has no NaN or Infinity: JSON.stringify would send them as null. */
const Finite = Schema.Number.pipe(Schema.finite());

export const PongReply = Schema.Struct({ ...FromServer, type: Schema.Literal('pong'), data: Finite });

export const RoomClient = Schema.Struct({ id: ClientId, username: Schema.String });
export const RoomInfo = Schema.Struct({
  ...FromServer,
  type: Schema.Literal('room-info'),
  data: Schema.Struct({ room_id: Schema.String, clients: Schema.Array(RoomClient) }),
});

export const IceServer = Schema.Struct({
  urls: Schema.Array(Schema.String),
  username: Schema.optional(Schema.String),
  credential: Schema.optional(Schema.String),
});
export const IceServers = Schema.Struct({ ...FromServer, type: Schema.Literal('ice-servers'), data: Schema.Array(IceServer) });

export const ErrorReply = Schema.Struct({ ...FromServer, type: Schema.Literal('error'), data: Schema.String });

/** A peer's message passed on, with `sender` set by the server to the peer's authenticated id. */
const relayed = <T extends string, D extends Schema.Schema.Any, R extends Schema.Schema.Any>(type: T, data: D, receiver: R) =>
  Schema.Struct({ sender: ClientId, receiver, type: Schema.Literal(type), data });

/** Only chat goes to the whole room; everything else is relayed to one peer. */
export const RelayedOffer = relayed('offer', Offer.fields.data, ClientId);
export const RelayedAnswer = relayed('answer', Answer.fields.data, ClientId);
export const RelayedIceCandidate = relayed('icecandidate', IceCandidate.fields.data, ClientId);
export const RelayedText = relayed('text', ChatData, Schema.Union(ClientId, Room));
export const RelayedBye = relayed('bye', Schema.NullOr(Finite), ClientId);

export const Outbound = Schema.Union(
  PongReply,
  RoomInfo,
  IceServers,
  ErrorReply,
  RelayedOffer,
  RelayedAnswer,
  RelayedIceCandidate,
  RelayedText,
  RelayedBye,
);
export type Outbound = typeof Outbound.Type;
export type RoomInfoData = typeof RoomInfo.Type['data'];

/** A client's name in room-info until its `profile` gives one (the original server's default). */
export const DEFAULT_USERNAME = 'Major Tom';
/** For the browser, which imports only types from here: a constant of this type can only be the default. */
export type DefaultUsername = typeof DEFAULT_USERNAME;
export type IceServer = typeof IceServer.Type;
export type Candidate = typeof CandidateData.Type;
