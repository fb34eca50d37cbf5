import { WebSocket, type RawData } from 'ws';
import { GROUND_CONTROL, decodeInbound, encodeOutbound, type IceServer, type Outbound } from '../../protocol/index.ts';
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

/** The session a socket belongs to, for the listeners below, which every socket shares. */
const sessionOf = new WeakMap<WebSocket, SocketSession>();

// One function per event for every socket, not closures per socket: with thousands of idle sockets,
// per-socket closures (each with its own context, and a `name` property the TypeScript loader defines)
// were a third of a connected client's heap.
function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  sessionOf.get(this)?.receive(data, isBinary);
}
function onPong(this: WebSocket): void {
  const session = sessionOf.get(this);
  if (session) session.alive = true;
}
// ws reports a protocol violation (a frame over maxPayload: 1009, bad UTF-8, …) as an 'error' event and
// closes the socket itself; without a listener the event would be thrown and take the process down.
function onError(this: WebSocket, error: Error & { code?: string }): void {
  sessionOf.get(this)?.protocolError(error);
}
function onClose(this: WebSocket, code: number): void {
  sessionOf.get(this)?.closed(code);
}

/**
 * One websocket of one admitted client. Frames are decoded and handled strictly in arrival order;
 * a message that waits for the log holds back the sender's later messages, so peers never see a
 * relay before the room-info it depends on. It is its own dispatch context.
 */
export class SocketSession implements Connection, DispatchContext {
  alive = true;
  private readonly backlog: (() => void | Promise<void>)[] = [];
  private draining = false;
  private readonly limits: RateLimits;
  private readonly badMessages = new Strikes(10, 60_000);
  private readonly drops = new Strikes(100, 10_000);

  constructor(
    private readonly ws: WebSocket,
    readonly room: RoomHost,
    readonly clientId: string,
    private readonly deps: GatewayDeps,
    /** The gateway's open sessions: this one is in it until its socket closes. */
    private readonly open: Set<SocketSession>,
  ) {
    this.limits = new RateLimits(deps.clock.now());
    open.add(this);
    sessionOf.set(ws, this);
    ws.on('message', onMessage);
    ws.on('pong', onPong);
    ws.on('error', onError);
    ws.on('close', onClose);
    this.enqueue(() => this.connect());
  }

  reply(message: Outbound): void {
    this.send(encodeOutbound(message), message.type);
  }

  error(reason: string): void {
    this.sendError(reason);
  }

  iceServers(): IceServer[] {
    return iceServersFor(this.deps.config, this.clientId, this.deps.clock.now());
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

  receive(data: RawData, isBinary: boolean): void {
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
    this.enqueue(() => dispatch(message, this));
  }

  protocolError(error: Error & { code?: string }): void {
    this.deps.log.log('warn', 'websocket protocol error', { room: this.room.slug, code: error.code ?? 'unknown' });
  }

  closed(code: number): void {
    this.open.delete(this);
    this.enqueue(() => this.room.disconnect(this.clientId, this, code));
  }

  private async connect(): Promise<void> {
    if (!(await this.room.connect(this.clientId, this))) this.close(CloseCode.notAMember, 'not a member of this room');
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
