import { Schema } from 'effect';
import { ClientId, GroundControl, Room } from './addresses.ts';
import { limits } from './limits.ts';

/**
 * Messages a client sends to the server. `sender` is accepted and ignored: the server takes the
 * sender from the session, never from the frame.
 */
const Sender = Schema.optional(Schema.Unknown);
const NoData = Schema.optional(Schema.Null);
const Timestamp = Schema.Number.pipe(Schema.finite());
const bounded = (max: number) => Schema.String.pipe(Schema.maxLength(max));

export const Ping = Schema.Struct({ sender: Sender, receiver: GroundControl, type: Schema.Literal('ping'), data: Timestamp });
export const Pong = Schema.Struct({ sender: Sender, receiver: GroundControl, type: Schema.Literal('pong'), data: Timestamp });
export const Greeting = Schema.Struct({
  sender: Sender,
  receiver: GroundControl,
  type: Schema.Literal('greeting'),
  data: bounded(limits.greetingChars),
});
export const GetRoomInfo = Schema.Struct({ sender: Sender, receiver: GroundControl, type: Schema.Literal('get-room-info'), data: NoData });
export const GetIceServers = Schema.Struct({ sender: Sender, receiver: GroundControl, type: Schema.Literal('get-ice-servers'), data: NoData });

export const Username = Schema.String.pipe(
  Schema.maxLength(limits.usernameChars),
  Schema.filter((s) => s.trim().length > 0, { message: () => 'username must not be blank' }),
);
export const Profile = Schema.Struct({
  sender: Sender,
  receiver: GroundControl,
  type: Schema.Literal('profile'),
  data: Schema.Struct({ username: Username }),
});

export const ChatData = Schema.Struct({
  from: bounded(limits.usernameChars),
  time: Timestamp,
  text: bounded(limits.chatChars),
});
export const Text = Schema.Struct({
  sender: Sender,
  receiver: Schema.Union(Room, ClientId).annotations({ message: () => ({ message: 'Expected "room" or a client id', override: true }) }),
  type: Schema.Literal('text'),
  data: ChatData,
});

export const Offer = Schema.Struct({
  sender: Sender,
  receiver: ClientId,
  type: Schema.Literal('offer'),
  data: Schema.Struct({ type: Schema.Literal('offer'), sdp: bounded(limits.sdpChars) }),
});
export const Answer = Schema.Struct({
  sender: Sender,
  receiver: ClientId,
  type: Schema.Literal('answer'),
  data: Schema.Struct({ type: Schema.Literal('answer'), sdp: bounded(limits.sdpChars) }),
});

export const CandidateData = Schema.Struct({
  candidate: bounded(limits.candidateChars),
  sdpMid: Schema.optional(Schema.NullOr(bounded(64))),
  sdpMLineIndex: Schema.optional(Schema.NullOr(Schema.Number.pipe(Schema.int(), Schema.between(0, 1024)))),
  usernameFragment: Schema.optional(Schema.NullOr(bounded(256))),
});
export const IceCandidate = Schema.Struct({
  sender: Sender,
  receiver: ClientId,
  type: Schema.Literal('icecandidate'),
  data: CandidateData,
});

/** To ground control it means "I am leaving"; to a peer it is relayed. */
export const Bye = Schema.Struct({
  sender: Sender,
  receiver: Schema.Union(GroundControl, ClientId).annotations({ message: () => ({ message: 'Expected "ground control" or a client id', override: true }) }),
  type: Schema.Literal('bye'),
  data: Schema.optional(Schema.NullOr(Timestamp)),
});

export const Inbound = Schema.Union(
  Ping,
  Pong,
  Greeting,
  GetRoomInfo,
  GetIceServers,
  Profile,
  Text,
  Offer,
  Answer,
  IceCandidate,
  Bye,
);
export type Inbound = typeof Inbound.Type;
export type InboundType = Inbound['type'];

/** Schemas by `type`, so a frame is checked against its own schema only and errors name one message. */
export const inboundByType: { readonly [K in InboundType]: Schema.Schema<Extract<Inbound, { type: K }>, any> } = {
  ping: Ping,
  pong: Pong,
  greeting: Greeting,
  'get-room-info': GetRoomInfo,
  'get-ice-servers': GetIceServers,
  profile: Profile,
  text: Text,
  offer: Offer,
  answer: Answer,
  icecandidate: IceCandidate,
  bye: Bye,
};
