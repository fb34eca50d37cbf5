import { fromCallback } from 'xstate';
import { parseServerFrame, type ClientFrame, type ServerFrame } from './frames.ts';

/** What the socket tells the signaling machine. */
export type SocketEvent =
  /** `at` is the open time in ms since the epoch; the machine uses it as the re-sync ping's data. */
  | { type: 'SOCKET.OPENED'; at: number }
  | { type: 'SOCKET.MESSAGE'; frame: ServerFrame }
  | { type: 'SOCKET.CLOSED'; code: number; reason: string };

/** What the signaling machine tells the socket. */
export type SocketCommand = { type: 'SOCKET.SEND'; message: ClientFrame };

export interface SocketInput {
  readonly url: string;
}

/**
 * One websocket, from open to close. The only code that touches `WebSocket`: the signaling machine
 * spawns it by name ('socket') and tests provide a fake in its place. Stopping the actor closes the
 * socket and silences it; a closed socket is never reopened (the machine spawns a new one).
 *
 * Frames that are not JSON server frames are dropped here: the server never sends them, and the
 * machine forwards only frames it can type.
 */
export const socketActor = fromCallback<SocketCommand, SocketInput>(({ input, sendBack, receive }) => {
  const ws = new WebSocket(input.url);
  ws.onopen = () => sendBack({ type: 'SOCKET.OPENED', at: Date.now() } satisfies SocketEvent);
  ws.onmessage = (event: MessageEvent) => {
    if (typeof event.data !== 'string') return;
    const frame = parseServerFrame(event.data);
    if (frame) sendBack({ type: 'SOCKET.MESSAGE', frame } satisfies SocketEvent);
  };
  // A failed handshake fires `error` then `close` (1006); `close` alone is reported.
  ws.onclose = (event: CloseEvent) =>
    sendBack({ type: 'SOCKET.CLOSED', code: event.code, reason: event.reason } satisfies SocketEvent);

  receive((command) => {
    if (command.type === 'SOCKET.SEND' && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(command.message));
  });

  return () => {
    ws.onopen = ws.onmessage = ws.onclose = null;
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(1000, 'client closed');
  };
});

/** The websocket URL of a room page, e.g. `/room/abc` → `wss://host/room/abc/ws`. */
export function roomSocketUrl(location: { protocol: string; host: string }, slug: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/room/${encodeURIComponent(slug)}/ws`;
}
