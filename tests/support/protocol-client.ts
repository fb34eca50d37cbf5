import { WebSocket, type RawData } from 'ws';
import { admit, type Admitted } from './admission.ts';
import { rememberSecret } from './server.ts';

/** A server frame as parsed; `raw` keeps the exact text for byte-level assertions. */
export interface Frame {
  readonly sender: unknown;
  readonly receiver: unknown;
  readonly type: string;
  readonly data: unknown;
}
export type Match = string | ((frame: Frame) => boolean);

export const GROUND_CONTROL = 'ground control';

export function socketUrl(wsBaseUrl: string, slug: string): string {
  return `${wsBaseUrl}/room/${encodeURIComponent(slug)}/ws`;
}

/**
 * Tries a websocket handshake; resolves with the HTTP status of a refusal, or with the open socket
 * (which the caller must close).
 */
export function tryUpgrade(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; socket?: undefined } | { status: 101; body: ''; socket: WebSocket }> {
  return new Promise((resolveUpgrade, reject) => {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    socket.once('open', () => resolveUpgrade({ status: 101, body: '', socket }));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolveUpgrade({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolveUpgrade({ status: res.statusCode ?? 0, body }));
    });
    socket.once('error', (error) => {
      if (socket.readyState !== WebSocket.OPEN) reject(error);
    });
  });
}

export interface ConnectOptions {
  /** Send the original client's greeting sequence (ping, get-ice-servers, get-room-info) and learn the id. Default true. */
  readonly handshake?: boolean;
  /** Then send `profile` with this username, as the original client does after joining. */
  readonly username?: string;
  readonly headers?: Record<string, string>;
}

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/**
 * A websocket client that behaves like the original Camus web client and records every frame.
 * `next` consumes the first unconsumed frame that matches (others stay queued for later `next` calls).
 */
export class ProtocolClient {
  /** Every frame received, in order (consumed or not). */
  readonly frames: Frame[] = [];
  private queue: Frame[] = [];
  private readonly raws = new WeakMap<Frame, string>();
  private waiters: (() => void)[] = [];
  private closeInfo: Closed | undefined;
  readonly closed: Promise<Closed>;
  /** Learned from the first pong's receiver, as the original client does. */
  id = '';
  /** The replies to the greeting sequence. */
  hello: { pong?: Frame; iceServers?: Frame; roomInfo?: Frame } = {};

  private constructor(
    readonly socket: WebSocket,
    readonly admission: Admitted | undefined,
  ) {
    socket.on('message', (data: RawData, isBinary: boolean) => this.receive(data, isBinary));
    this.closed = new Promise((resolveClosed) =>
      socket.once('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolveClosed(this.closeInfo);
        this.wake();
      }),
    );
  }

  /** Opens the room's websocket with the admission's cookie and (by default) runs the original client's greeting. */
  static async connect(wsBaseUrl: string, admission: Admitted, options: ConnectOptions = {}): Promise<ProtocolClient> {
    const upgrade = await tryUpgrade(socketUrl(wsBaseUrl, admission.slug), { Cookie: admission.cookie, ...options.headers });
    if (!upgrade.socket) throw new Error(`websocket to ${admission.slug} refused with HTTP ${upgrade.status}: ${upgrade.body}`);
    const client = new ProtocolClient(upgrade.socket, admission);
    if (options.handshake !== false) await client.greet();
    if (options.username !== undefined) client.send({ receiver: GROUND_CONTROL, type: 'profile', data: { username: options.username } });
    return client;
  }

  /**
   * On load the original client sends ping (Date.now()), get-ice-servers and get-room-info; it learns its
   * id from the pong's receiver. The replies (and the room-info broadcasts before them) are consumed.
   */
  async greet(): Promise<void> {
    const stamp = Date.now();
    this.send({ receiver: GROUND_CONTROL, type: 'ping', data: stamp });
    this.send({ receiver: GROUND_CONTROL, type: 'get-ice-servers' });
    this.send({ receiver: GROUND_CONTROL, type: 'get-room-info' });
    const pong = await this.next((f) => f.type === 'pong' && f.data === stamp);
    this.id = String(pong.receiver);
    const iceServers = await this.next('ice-servers');
    const iceIndex = this.frames.indexOf(iceServers);
    const roomInfo = await this.next((f) => f.type === 'room-info' && this.frames.indexOf(f) > iceIndex);
    this.hello = { pong, iceServers, roomInfo };
    // Broadcasts that came before the reply describe the room as it was a moment ago.
    const replyIndex = this.frames.indexOf(roomInfo);
    this.queue = this.queue.filter((f) => !(f.type === 'room-info' && this.frames.indexOf(f) < replyIndex));
  }

  send(message: Record<string, unknown>): void {
    rememberSecretsOf(message);
    this.socket.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.socket.send(data, { binary: options.binary ?? Buffer.isBuffer(data) });
  }

  /** Sends ping with a fresh timestamp and waits for its pong: proof that the socket is open and in order. */
  async ping(timeoutMs = 3000): Promise<Frame> {
    const stamp = Date.now() + Math.random();
    this.send({ receiver: GROUND_CONTROL, type: 'ping', data: stamp });
    return this.next((f) => f.type === 'pong' && f.data === stamp, timeoutMs);
  }

  raw(frame: Frame): string {
    return this.raws.get(frame) ?? '';
  }

  /** The unconsumed frames. */
  pending(): readonly Frame[] {
    return this.queue;
  }

  /** Drops every unconsumed frame. */
  clear(): void {
    this.queue = [];
  }

  get closeState(): Closed | undefined {
    return this.closeInfo;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Waits for the next frame that matches; fails listing what did arrive. */
  async next(match: Match, timeoutMs = 3000): Promise<Frame> {
    const predicate = toPredicate(match);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.queue.findIndex(predicate);
      if (index >= 0) return this.queue.splice(index, 1)[0]!;
      if (this.closeInfo) throw new Error(`${this.label()} closed (${describeClose(this.closeInfo)}) while waiting for ${describeMatch(match)}; ${this.arrivals()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label()} timed out after ${timeoutMs} ms waiting for ${describeMatch(match)}; ${this.arrivals()}`);
      await this.arrival(left);
    }
  }

  /** Fails if a matching frame is queued or arrives within `ms`. */
  async expectNothing(match: Match, ms = 500): Promise<void> {
    const predicate = toPredicate(match);
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.queue.find(predicate);
      if (found) throw new Error(`${this.label()} expected no ${describeMatch(match)} but got ${this.raw(found)}; ${this.arrivals()}`);
      const left = deadline - Date.now();
      if (left <= 0 || this.closeInfo) return;
      await this.arrival(left);
    }
  }

  /** Waits for the server to close the socket. */
  async waitClosed(timeoutMs = 3000): Promise<Closed> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.label()} was not closed within ${timeoutMs} ms; ${this.arrivals()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes from our side without `bye` (a dropped tab), and waits for the close handshake. */
  async close(code = 1000): Promise<Closed> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(code);
    return this.waitClosed();
  }

  /** Drops the TCP connection without a close frame. */
  async terminate(): Promise<Closed> {
    this.socket.terminate();
    return this.closed;
  }

  private receive(data: RawData, isBinary: boolean): void {
    const text = isBinary ? `<binary ${(data as Buffer).length} bytes>` : data.toString();
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      frame = { sender: null, receiver: null, type: '<not json>', data: text };
    }
    this.raws.set(frame, text);
    rememberSecretsOf(frame as unknown as Record<string, unknown>);
    this.frames.push(frame);
    this.queue.push(frame);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private arrival(timeoutMs: number): Promise<void> {
    return new Promise((resolveArrival) => {
      const timer = setTimeout(done, timeoutMs);
      this.waiters.push(done);
      function done() {
        clearTimeout(timer);
        resolveArrival();
      }
    });
  }

  private label(): string {
    return `client ${this.id || '(no id yet)'}${this.admission ? ` in ${this.admission.slug}` : ''}`;
  }

  private arrivals(): string {
    const last = this.frames.slice(-15).map((f) => `  ${this.raw(f).slice(0, 300)}`);
    return `unconsumed: ${this.queue.length}; last ${last.length} of ${this.frames.length} frames received:\n${last.join('\n') || '  (none)'}`;
  }
}

function toPredicate(match: Match): (frame: Frame) => boolean {
  return typeof match === 'string' ? (frame) => frame.type === match : match;
}

function describeMatch(match: Match): string {
  return typeof match === 'string' ? `a "${match}" frame` : `a frame matching ${match.toString().slice(0, 160)}`;
}

function describeClose(closed: Closed): string {
  return `code ${closed.code}${closed.reason ? `, "${closed.reason}"` : ''}`;
}

/** SDP, candidates and chat text must never be logged: the client remembers every one it sends or sees. */
function rememberSecretsOf(message: Record<string, unknown>): void {
  const data = message.data as Record<string, unknown> | null | undefined;
  if (!data || typeof data !== 'object') return;
  if (typeof data.sdp === 'string') {
    rememberSecret(data.sdp);
    for (const line of data.sdp.split(/\r?\n/)) if (line.length >= 12) rememberSecret(line);
  }
  if (typeof data.candidate === 'string') rememberSecret(data.candidate);
  if (message.type === 'text' && typeof data.text === 'string') rememberSecret(data.text);
}

/**
 * Admits and connects `count` people to a room one after another. After each arrival everyone already in
 * the room waits for the room-info that lists the newcomer; at the end every queue is empty: the room is quiet.
 */
export async function joinAll(
  server: { baseUrl: string; wsBaseUrl: string },
  slug: string,
  count: number,
  options: { password?: string; via?: 'page' | 'api' } = {},
): Promise<ProtocolClient[]> {
  const clients: ProtocolClient[] = [];
  for (let i = 0; i < count; i++) {
    const admission = await admit(server.baseUrl, slug, options);
    const client = await ProtocolClient.connect(server.wsBaseUrl, admission);
    await Promise.all(clients.map((earlier) => earlier.next((f) => f.type === 'room-info' && roomInfoIds(f).includes(client.id))));
    clients.push(client);
  }
  for (const client of clients) client.clear();
  return clients;
}

export function roomInfoIds(frame: Frame): string[] {
  const data = frame.data as { clients?: { id: string }[] } | null;
  return (data?.clients ?? []).map((c) => c.id);
}

/** Closes every open client; for afterEach/afterAll. */
export async function closeAll(clients: Iterable<ProtocolClient>): Promise<void> {
  await Promise.all([...clients].filter((c) => c.isOpen).map((c) => c.close().catch(() => undefined)));
}
