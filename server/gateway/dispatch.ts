import { GROUND_CONTROL, type Inbound, type IceServer, type Outbound } from '../../protocol/index.ts';
import type { CandidateType } from '../client/events.ts';
import type { RelayKind, RoomHost } from '../runtime/room-host.ts';
import { candidateTypeOf } from './candidate-type.ts';

/** What a message needs from its surroundings: the sender's room and id, and a way to answer. */
export interface DispatchContext {
  readonly room: RoomHost;
  readonly clientId: string;
  readonly reply: (message: Outbound) => void;
  readonly error: (reason: string) => void;
  readonly iceServers: () => IceServer[];
}

/**
 * Maps one decoded protocol message to a room command or a direct answer. Returns a promise only for
 * commands that wait for the log, so the session keeps a sender's messages in order.
 */
export function dispatch(message: Inbound, ctx: DispatchContext): void | Promise<void> {
  const { room, clientId } = ctx;
  switch (message.type) {
    case 'ping':
      return ctx.reply({ sender: GROUND_CONTROL, receiver: clientId, type: 'pong', data: message.data });
    case 'pong':
    case 'greeting':
      return;
    case 'get-room-info':
      return ctx.reply({ sender: GROUND_CONTROL, receiver: clientId, type: 'room-info', data: room.roomInfo() });
    case 'get-ice-servers':
      return ctx.reply({ sender: GROUND_CONTROL, receiver: clientId, type: 'ice-servers', data: ctx.iceServers() });
    case 'profile':
      return room.changeUsername(clientId, message.data.username);
    case 'text':
      if (message.receiver === 'room') return room.broadcastChat(clientId, message.data);
      return relay(ctx, message.receiver, 'text', message.data, null);
    case 'offer':
    case 'answer':
      return relay(ctx, message.receiver, message.type, message.data, null);
    case 'icecandidate':
      return relay(ctx, message.receiver, 'icecandidate', message.data, candidateTypeOf(message.data.candidate));
    case 'bye':
      if (message.receiver === GROUND_CONTROL) return room.bye(clientId);
      return relay(ctx, message.receiver, 'bye', message.data ?? null, null);
  }
}

function relay(ctx: DispatchContext, receiver: string, type: RelayKind, data: unknown, candidateType: CandidateType | null): void {
  const problem = ctx.room.relay(ctx.clientId, receiver, type, data, candidateType);
  if (problem) ctx.error(problem);
}
