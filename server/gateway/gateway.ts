import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { limits } from '../../protocol/index.ts';
import { CloseCode } from '../runtime/connection.ts';
import { SESSION_COOKIE, readCookie } from '../security/session.ts';
import type { GatewayDeps } from './deps.ts';
import { originAllowed } from './origin.ts';
import { SocketSession } from './socket-session.ts';

const SOCKET_PATH = /^\/room\/([^/]+)\/ws$/;
/** ws ping every 10 s; a socket that has not answered by the next round is cut (10–20 s). */
const HEARTBEAT_MS = 10_000;
const MAX_SOCKETS = 5000;

export interface Gateway {
  readonly sessions: ReadonlySet<SocketSession>;
  /** Closes every socket with 1001 and stops the heartbeat. */
  close(): void;
}

/**
 * The websocket endpoint `/room/<slug>/ws` on an existing HTTP server. The session is checked in the
 * HTTP upgrade, before any websocket exists: no valid session for this room is 403, an unknown room 404.
 * In `vite dev` the same server carries Vite's HMR socket, so unmatched upgrades are left alone there.
 */
export function attachGateway(server: Server, deps: GatewayDeps, options: { ownsUpgrades: boolean }): Gateway {
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.frameBytes, perMessageDeflate: false });
  const sessions = new Set<SocketSession>();
  deps.metrics.gauge('camus_connected_clients', 'Open client websockets.', () => sessions.size);

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = SOCKET_PATH.exec(url.pathname);
    if (!match) {
      if (options.ownsUpgrades) refuse(socket, 404, 'Not found');
      return;
    }
    let slug: string;
    try {
      slug = decodeURIComponent(match[1]!);
    } catch {
      return refuse(socket, 404, 'Room not found');
    }
    if (!originAllowed(req, deps.config.origins, deps.config.trustProxy)) return refuse(socket, 403, 'Origin not allowed');
    if (sessions.size >= MAX_SOCKETS) return refuse(socket, 503, 'Server is at capacity');
    const admitted = deps.lobby.authenticateSocket(slug, readCookie(req.headers.cookie, SESSION_COOKIE));
    if (!admitted.ok) return refuse(socket, admitted.code === 'not-found' ? 404 : 403, admitted.message);
    wss.handleUpgrade(req, socket, head, (ws) => new SocketSession(ws, admitted.room, admitted.clientId, deps, sessions));
  });

  const heartbeat = setInterval(() => {
    for (const session of sessions) {
      if (!session.alive) {
        session.terminate();
        continue;
      }
      session.alive = false;
      session.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    sessions,
    close() {
      clearInterval(heartbeat);
      for (const session of sessions) session.close(CloseCode.goingAway, 'server shutting down');
    },
  };
}

function refuse(socket: Duplex, status: number, message: string): void {
  const reason = { 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
}
