import { WebSocket, type RawData } from 'ws';
import { GROUND_CONTROL, decodeInbound, encodeOutbound, type Outbound } from '../../protocol/index.ts';
import { iceServersFor } from '../ice/ice-servers.ts';
import { errorCode } from '../observability/error-code.ts';
import { CloseCode, type Connection } from '../runtime/connection.ts';
import type { RoomHost } from '../runtime/room-host.ts';
import type { GatewayDeps } from './deps.ts';
import { dispatch, type DispatchContext } from './dispatch.ts';
import { RateLimits } from './rate-limits.ts';
import { Strikes } from './strikes.ts';

/** A socket that has this much unsent data is not keeping up; it is cut rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Messages waiting behind a commit; an honest client never gets near this. */
const MAX_BACKLOG = 500;
/** Bytes are sent as a text frame too: every frame of this protocol is JSON text. */
const TEXT = { binary: false } as const;

/**
 * One websocket of one admitted client. Frames are decoded and handled strictly in arrival order;
 * a message that waits for the log holds back the sender's later messages, so peers never see a
 * relay before the room-info it depends on.
 */
export class SocketSession implements Connection {
  alive = true;
  private readonly backlog: (() => void | Promise<void>)[] = [];
  private draining = false;
  private readonly limits: RateLimits;
  private readonly badMessages = new Strikes(10, 60_000);
  private readonly drops = new Strikes(100, 10_000);
  private readonly ctx: DispatchContext;

  constructor(
    private readonly ws: WebSocket,
    readonly room: RoomHost,
    readonly clientId: string,
    private readonly deps: GatewayDeps,
  ) {
    this.limits = new RateLimits(deps.clock.now());
    this.ctx = {
      room,
      clientId,
      reply: (message) => this.send(encodeOutbound(message), message.type),
      error: (reason) => this.sendError(reason),
      iceServers: () => iceServersFor(deps.config, clientId, deps.clock.now()),
    };
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    // ws reports a protocol violation (a frame over maxPayload: 1009, bad UTF-8, …) as an 'error' event and
    // closes the socket itself; without a listener the event would be thrown and take the process down.
    ws.on('error', (error: Error & { code?: string }) =>
      deps.log.log('warn', 'websocket protocol error', { room: room.slug, code: error.code ?? 'unknown' }),
    );
    ws.on('close', (code) => this.enqueue(() => room.disconnect(clientId, this, code)));
    this.enqueue(async () => {
      if (!(await room.connect(clientId, this))) this.close(CloseCode.notAMember, 'not a member of this room');
    });
  }

  send(frame: string | Buffer, type: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.deps.metrics.messagesOut.inc({ type });
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.deps.log.log('warn', 'slow consumer cut off', { room: this.room.slug, bufferedBytes: this.ws.bufferedAmount });
      this.ws.terminate();
      return;
    }
    this.ws.send(frame, TEXT);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  ping(): void {
    this.ws.ping();
  }

  terminate(): void {
    this.ws.terminate();
  }

  private receive(data: RawData, isBinary: boolean): void {
    this.alive = true;
    if (isBinary) return this.reject('Binary frames are not supported; send JSON text');
    const decoded = decodeInbound(data.toString());
    if (!decoded.ok) return this.reject(decoded.reason);
    const now = this.deps.clock.now();
    const over = this.limits.check(decoded.message.type, now);
    if (over) {
      this.sendError(`Rate limit exceeded for ${over} messages; message dropped`);
      if (this.drops.add(now)) this.close(CloseCode.policyViolation, 'rate limit exceeded');
      return;
    }
    if (this.backlog.length >= MAX_BACKLOG) return this.close(CloseCode.policyViolation, 'too many messages in flight');
    const message = decoded.message;
    this.deps.metrics.messagesIn.inc({ type: message.type });
    this.enqueue(() => dispatch(message, this.ctx));
  }

  /** A frame we could not use: the client is told why and keeps its socket, up to a point. */
  private reject(reason: string): void {
    this.sendError(reason);
    if (this.badMessages.add(this.deps.clock.now())) this.close(CloseCode.policyViolation, 'too many invalid messages');
  }

  private sendError(reason: string): void {
    this.deps.metrics.errors.inc({ reason: errorCode(reason) });
    this.send(encodeOutbound({ sender: GROUND_CONTROL, receiver: this.clientId, type: 'error', data: reason } as Outbound), 'error');
  }

  private enqueue(task: () => void | Promise<void>): void {
    if (this.draining) {
      this.backlog.push(task);
      return;
    }
    // Nothing is ahead of it. Most messages (relays, pings) are handled synchronously, and running them
    // here spares each a promise and a trip through the microtask queue.
    this.draining = true;
    const pending = this.run(task);
    if (pending || this.backlog.length > 0) void this.drain(pending);
    else this.draining = false;
  }

  /** Runs the backlog in order, waiting for each task that waits for the log. */
  private async drain(first: Promise<void> | undefined): Promise<void> {
    await first;
    while (this.backlog.length > 0) {
      const pending = this.run(this.backlog.shift()!);
      if (pending) await pending;
    }
    this.draining = false;
  }

  /** A failed task is logged and does not stop the ones behind it. */
  private run(task: () => void | Promise<void>): Promise<void> | undefined {
    try {
      const pending = task();
      return pending ? pending.catch((error: unknown) => this.failed(error)) : undefined;
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  private failed(error: unknown): void {
    this.deps.log.log('error', 'message handling failed', { room: this.room.slug, error: String(error) });
  }
}
