import type { Actor } from 'xstate';
import type { IceServer } from '$protocol/outbound.ts';
import { GROUND_CONTROL, isPeerSignal, type ServerFrame } from '../signaling/frames.ts';
import type { CloseReason, SignalingMachine } from '../signaling/machine.ts';
import { mergeIceServers } from './ice-servers.ts';
import { createPeer as createLivePeer, type Peer, type PeerOptions } from './peer.ts';

/**
 * The room's wiring between the signaling actor and one Peer per other person (a full mesh):
 * - room-info: a peer for each other client, closed when they are no longer listed;
 * - offer / answer / icecandidate from a client: to its peer (made on the spot if room-info has not
 *   named it yet); bye from a client: its peer closes;
 * - ice-servers: to every peer, followed by the person's own servers (setOwnIceServers); a peer's
 *   `iceServersWanted` sends get-ice-servers (at most every 2 s);
 * - what a peer signals goes out through SEND.
 * Frames that arrive before this client knows its own id (first pong) and its ICE servers are held
 * and handled in order once both are known: politeness and the RTCPeerConnection need them.
 *
 * A signaling drop or reconnect leaves the peers alone: media keeps flowing peer to peer. Peers are
 * closed when the session is over for this page ('left', 'expired', 'replaced'), not when signaling
 * gave up (RETRY may bring it back while calls go on).
 */
export interface MeshOptions {
  readonly signaling: Actor<SignalingMachine>;
  readonly localStream?: MediaStream | null;
  /** Tests: peers without RTCPeerConnection. */
  readonly createPeer?: (options: PeerOptions) => Peer;
  readonly now?: () => number;
  /** Passed to every peer actor (the dev inspector). */
  readonly actorOptions?: PeerOptions['actorOptions'];
}

const ENDS_PEERS: ReadonlySet<CloseReason> = new Set(['left', 'expired', 'replaced']);
const ICE_SERVERS_REQUEST_INTERVAL_MS = 2_000;

export class Mesh {
  readonly #signaling: Actor<SignalingMachine>;
  readonly #createPeer: (options: PeerOptions) => Peer;
  readonly #now: () => number;
  readonly #actorOptions: PeerOptions['actorOptions'];
  readonly #peers = new Map<string, Peer>();
  readonly #listeners = new Set<() => void>();
  readonly #held: ServerFrame[] = [];
  readonly #unsubscribe: (() => void)[] = [];
  #localStream: MediaStream | null;
  #ownIceServers: readonly IceServer[] = [];
  #lastIceServersRequest = -Infinity;

  constructor(options: MeshOptions) {
    this.#signaling = options.signaling;
    this.#createPeer = options.createPeer ?? createLivePeer;
    this.#now = options.now ?? Date.now;
    this.#actorOptions = options.actorOptions;
    this.#localStream = options.localStream ?? null;
    const received = this.#signaling.on('received', ({ frame }) => this.#receive(frame));
    const status = this.#signaling.subscribe((snapshot) => {
      const reason = snapshot.context.closeReason;
      if (reason !== null && ENDS_PEERS.has(reason)) this.#closeAll();
    });
    this.#unsubscribe.push(
      () => received.unsubscribe(),
      () => status.unsubscribe(),
    );
  }

  /** The peers by client id; read again after each subscribe() notification. */
  get peers(): ReadonlyMap<string, Peer> {
    return this.#peers;
  }

  /** Called whenever a peer is added or removed. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends this stream to everyone, now and to peers made later. */
  async setLocalStream(stream: MediaStream | null): Promise<void> {
    this.#localStream = stream;
    await Promise.all([...this.#peers.values()].map((peer) => peer.setLocalStream(stream)));
  }

  /**
   * The person's own STUN/TURN servers: added after the server's to every connection now (a
   * setConfiguration, used at the next ICE gathering or restart) and to every connection made later.
   */
  setOwnIceServers(servers: readonly IceServer[]): void {
    this.#ownIceServers = servers;
    const fromServer = this.#signaling.getSnapshot().context.iceServers;
    if (fromServer === null) return;
    const merged = mergeIceServers(fromServer, servers);
    for (const peer of this.#peers.values()) peer.iceServersChanged(merged);
  }

  /** Says bye to every peer, then to the server (signaling LEAVE), and closes the peers. */
  leave(): void {
    for (const id of this.#peers.keys()) this.#signaling.send({ type: 'SEND', message: { receiver: id, type: 'bye' } });
    this.#signaling.send({ type: 'LEAVE' });
    this.#closeAll();
  }

  /** Stops listening and closes every peer (the signaling actor is the caller's). */
  destroy(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#closeAll();
    this.#listeners.clear();
  }

  #receive(frame: ServerFrame): void {
    const { ownId, iceServers } = this.#signaling.getSnapshot().context;
    if (ownId === null || iceServers === null) {
      if (frame.type === 'room-info' || frame.type === 'bye' || isPeerSignal(frame)) this.#held.push(frame);
      return;
    }
    for (const held of this.#held.splice(0)) this.#route(held, ownId, iceServers);
    this.#route(frame, ownId, iceServers);
  }

  #route(frame: ServerFrame, ownId: string, iceServers: readonly IceServer[]): void {
    if (frame.type === 'room-info') {
      const present = new Set(frame.data.clients.map((c) => c.id).filter((id) => id !== ownId));
      for (const id of [...this.#peers.keys()]) if (!present.has(id)) this.#close(id);
      for (const id of present) this.#peer(id, ownId, iceServers);
    } else if (frame.type === 'ice-servers') {
      const merged = mergeIceServers(frame.data, this.#ownIceServers);
      for (const peer of this.#peers.values()) peer.iceServersChanged(merged);
    } else if (isPeerSignal(frame)) {
      if (frame.sender !== ownId) this.#peer(frame.sender, ownId, iceServers).receive(frame);
    } else if (frame.type === 'bye' && frame.sender !== GROUND_CONTROL) {
      const peer = this.#peers.get(frame.sender);
      if (peer) {
        peer.receive(frame);
        this.#peers.delete(frame.sender);
        this.#notify();
      }
    }
  }

  #peer(id: string, ownId: string, iceServers: readonly IceServer[]): Peer {
    const existing = this.#peers.get(id);
    if (existing) return existing;
    const peer = this.#createPeer({
      ownId,
      peerId: id,
      iceServers: mergeIceServers(iceServers, this.#ownIceServers),
      localStream: this.#localStream,
      signal: (message) => this.#signaling.send({ type: 'SEND', message }),
      onIceServersWanted: () => this.#requestIceServers(),
      ...(this.#actorOptions ? { actorOptions: this.#actorOptions } : {}),
    });
    this.#peers.set(id, peer);
    this.#notify();
    return peer;
  }

  #requestIceServers(): void {
    const now = this.#now();
    if (now - this.#lastIceServersRequest < ICE_SERVERS_REQUEST_INTERVAL_MS) return;
    this.#lastIceServersRequest = now;
    this.#signaling.send({ type: 'SEND', message: { receiver: GROUND_CONTROL, type: 'get-ice-servers' } });
  }

  #close(id: string): void {
    this.#peers.get(id)?.close();
    this.#peers.delete(id);
    this.#notify();
  }

  #closeAll(): void {
    if (this.#peers.size === 0) return;
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    this.#notify();
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
