/**
 * The baseline: the thinnest signaling relay we can write on `ws`, for side-by-side figures. Same
 * admission shape as Camus (create a room, join for a cookie, websocket at /room/<slug>/ws), ids,
 * ping → pong, relay by receiver inside the room, and `room` broadcast. No actors, no log, no
 * validation, no rate limits. `sender` is still set from the session, so a frame is parsed and
 * re-serialised as in Camus.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const rooms = new Map<string, Map<string, WebSocket>>();
const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
const reply = (res: import('node:http').ServerResponse, status: number, body: unknown, headers = {}) =>
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk));
  req.on('end', () => {
    const join = /^\/api\/rooms\/([^/]+)\/join$/.exec(req.url ?? '');
    if (req.method === 'POST' && req.url === '/api/rooms') {
      const slug = String((JSON.parse(body || '{}') as { name?: unknown }).name).toLowerCase().replace(/[^a-z0-9]+/g, '-');
      rooms.set(slug, new Map());
      return reply(res, 201, { slug });
    }
    if (req.method === 'POST' && join && rooms.has(join[1]!)) {
      const clientId = randomBytes(16).toString('hex');
      return reply(res, 200, { clientId }, { 'Set-Cookie': `camus_session=${clientId}; Path=/room/${join[1]}; HttpOnly` });
    }
    reply(res, 404, { error: 'not-found' });
  });
});

server.on('upgrade', (req, socket, head) => {
  const room = rooms.get(/^\/room\/([^/]+)\/ws$/.exec(req.url ?? '')?.[1] ?? '');
  const id = /camus_session=([0-9a-f]{32})/.exec(req.headers.cookie ?? '')?.[1];
  if (!room || !id) return socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
  wss.handleUpgrade(req, socket, head, (ws) => {
    room.set(id, ws);
    ws.on('close', () => room.delete(id));
    ws.on('message', (raw) => {
      const { receiver, type, data } = JSON.parse(raw.toString()) as { receiver: string; type: string; data: unknown };
      if (type === 'ping') return ws.send(JSON.stringify({ sender: 'ground control', receiver: id, type: 'pong', data }));
      const frame = JSON.stringify({ sender: id, receiver, type, data });
      if (receiver === 'room') for (const peer of room.values()) peer.send(frame);
      else room.get(receiver)?.send(frame);
    });
  });
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ level: 'info', message: 'listening', pid: process.pid })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
