import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import type { ClientFrame, ServerFrame } from '../signaling/frames.ts';
import { signalingMachine } from '../signaling/machine.ts';
import type { SocketCommand, SocketInput } from '../signaling/socket-actor.ts';
import { Mesh } from './mesh.ts';
import type { Peer, PeerOptions } from './peer.ts';

const GC = 'ground control';
const ME = 'a'.repeat(32);
const BOB = 'b'.repeat(32);
const CAROL = 'c'.repeat(32);
const ICE = [{ urls: ['stun:127.0.0.1:3478'] }];

interface FakePeer {
  readonly options: PeerOptions;
  readonly received: ServerFrame[];
  readonly iceServers: (readonly unknown[])[];
  closed: boolean;
}

function setupMesh() {
  const sockets: { sent: ClientFrame[]; sendBack: (e: unknown) => void }[] = [];
  const socket = fromCallback<SocketCommand, SocketInput>(({ sendBack, receive }) => {
    const s = { sent: [] as ClientFrame[], sendBack: sendBack as (e: unknown) => void };
    sockets.push(s);
    receive((c) => s.sent.push(c.message));
  });
  const signaling = createActor(signalingMachine.provide({ actors: { socket } }), { input: { url: 'ws://x' }, clock: new SimulatedClock() });
  signaling.start();
  const peers: FakePeer[] = [];
  const createPeer = (options: PeerOptions) => {
    const fake: FakePeer = { options, received: [], iceServers: [], closed: false };
    peers.push(fake);
    return {
      id: options.peerId,
      receive: (frame: ServerFrame) => fake.received.push(frame),
      iceServersChanged: (s: readonly unknown[]) => fake.iceServers.push(s),
      setLocalStream: async () => {},
      setIncomingVideo: () => {},
      close: () => (fake.closed = true),
    } as unknown as Peer;
  };
  let now = 0;
  const mesh = new Mesh({ signaling, createPeer, now: () => now });
  let changes = 0;
  mesh.subscribe(() => changes++);
  const server = (frame: ServerFrame) => sockets.at(-1)!.sendBack({ type: 'SOCKET.MESSAGE', frame });
  const open = () => sockets.at(-1)!.sendBack({ type: 'SOCKET.OPENED', at: 1 });
  const ready = () => {
    open();
    server({ sender: GC, receiver: ME, type: 'pong', data: 1 });
    server({ sender: GC, receiver: ME, type: 'ice-servers', data: ICE });
  };
  return {
    mesh,
    signaling,
    peers,
    server,
    open,
    ready,
    sent: () => sockets.flatMap((s) => s.sent),
    changes: () => changes,
    advance: (ms: number) => (now += ms),
    peer: (id: string) => peers.find((p) => p.options.peerId === id && !p.closed),
  };
}

const roomInfo = (...ids: string[]): ServerFrame => ({
  sender: GC,
  receiver: ME,
  type: 'room-info',
  data: { room_id: 'r', clients: ids.map((id) => ({ id, username: 'Major Tom' })) },
});
const offerFrom = (sender: string): ServerFrame => ({ sender, receiver: ME, type: 'offer', data: { type: 'offer', sdp: 'v=0' } });
const candidateFrom = (sender: string): ServerFrame => ({ sender, receiver: ME, type: 'icecandidate', data: { candidate: 'candidate:1' } });

describe('Mesh', () => {
  it('holds peer traffic until its own id and the ICE servers are known, then handles it in order', () => {
    const m = setupMesh();
    m.open();
    m.server(roomInfo(ME, BOB));
    m.server(offerFrom(BOB));
    m.server(candidateFrom(BOB));
    expect(m.peers).toEqual([]);
    m.server({ sender: GC, receiver: ME, type: 'pong', data: 1 });
    expect(m.peers).toEqual([]);
    m.server({ sender: GC, receiver: ME, type: 'ice-servers', data: ICE });
    expect(m.peers).toHaveLength(1);
    expect(m.peer(BOB)!.options).toMatchObject({ ownId: ME, peerId: BOB, iceServers: ICE });
    expect(m.peer(BOB)!.received).toEqual([offerFrom(BOB), candidateFrom(BOB)]);
  });

  it('makes a peer per other client in room-info and closes those who left', () => {
    const m = setupMesh();
    m.ready();
    m.server(roomInfo(ME, BOB, CAROL));
    expect([...m.mesh.peers.keys()]).toEqual([BOB, CAROL]);
    m.server(roomInfo(ME, CAROL));
    expect(m.peers.find((p) => p.options.peerId === BOB)!.closed).toBe(true);
    expect([...m.mesh.peers.keys()]).toEqual([CAROL]);
    expect(m.changes()).toBe(3);
  });

  it('a peer’s offer before room-info names it still reaches a (new) peer; bye closes it', () => {
    const m = setupMesh();
    m.ready();
    m.server(offerFrom(BOB));
    expect(m.peer(BOB)!.received).toEqual([offerFrom(BOB)]);
    const bye: ServerFrame = { sender: BOB, receiver: ME, type: 'bye', data: null };
    m.server(bye);
    expect(m.peers[0]!.received.at(-1)).toEqual(bye);
    expect(m.mesh.peers.size).toBe(0);
  });

  it('sends what a peer signals through SEND', () => {
    const m = setupMesh();
    m.ready();
    m.server(roomInfo(ME, BOB));
    const offer = { receiver: BOB, type: 'offer', data: { type: 'offer', sdp: 'v=0' } } as const;
    m.peer(BOB)!.options.signal(offer);
    expect(m.sent().at(-1)).toEqual(offer);
  });

  it('forwards ice-servers to every peer and throttles get-ice-servers requests', () => {
    const m = setupMesh();
    m.ready();
    m.server(roomInfo(ME, BOB, CAROL));
    const fresh = [{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' }];
    m.server({ sender: GC, receiver: ME, type: 'ice-servers', data: fresh });
    expect(m.peer(BOB)!.iceServers).toEqual([fresh]);
    expect(m.peer(CAROL)!.iceServers).toEqual([fresh]);
    const requests = () => m.sent().filter((f) => f.type === 'get-ice-servers').length;
    const before = requests();
    m.peer(BOB)!.options.onIceServersWanted!();
    m.peer(CAROL)!.options.onIceServersWanted!();
    expect(requests()).toBe(before + 1);
    m.advance(2_000);
    m.peer(CAROL)!.options.onIceServersWanted!();
    expect(requests()).toBe(before + 2);
  });

  it('keeps peers through a signaling drop and reconnect', () => {
    const m = setupMesh();
    m.ready();
    m.server(roomInfo(ME, BOB));
    m.signaling.send({ type: 'SOCKET.CLOSED', code: 1006, reason: '' } as never);
    expect(m.signaling.getSnapshot().matches('reconnecting')).toBe(true);
    expect(m.peer(BOB)).toBeDefined();
  });

  it('closes every peer when the session ends for this page (replaced), and on leave says bye to each first', () => {
    const replaced = setupMesh();
    replaced.ready();
    replaced.server(roomInfo(ME, BOB));
    replaced.signaling.send({ type: 'SOCKET.CLOSED', code: 4001, reason: '' } as never);
    expect(replaced.peers.every((p) => p.closed)).toBe(true);

    const leaving = setupMesh();
    leaving.ready();
    leaving.server(roomInfo(ME, BOB, CAROL));
    leaving.mesh.leave();
    expect(leaving.sent().slice(-3)).toEqual([
      { receiver: BOB, type: 'bye' },
      { receiver: CAROL, type: 'bye' },
      { receiver: GC, type: 'bye' },
    ]);
    expect(leaving.peers.every((p) => p.closed)).toBe(true);
  });

  it("adds the person's own ICE servers after the server's: to existing peers, to new ones, and to later ice-servers", () => {
    const m = setupMesh();
    const own = [{ urls: ['turn:127.0.0.1:3479'], username: 'u', credential: 'c' }];
    m.mesh.setOwnIceServers(own); // before anything is known: only remembered
    m.ready();
    m.server(roomInfo(ME, BOB));
    expect(m.peer(BOB)!.options.iceServers).toEqual([...ICE, ...own]);
    m.mesh.setOwnIceServers([]);
    expect(m.peer(BOB)!.iceServers.at(-1)).toEqual(ICE);
    m.mesh.setOwnIceServers(own);
    expect(m.peer(BOB)!.iceServers.at(-1)).toEqual([...ICE, ...own]);
    const fresh = [{ urls: ['stun:127.0.0.1:9999'] }];
    m.server({ sender: GC, receiver: ME, type: 'ice-servers', data: fresh });
    expect(m.peer(BOB)!.iceServers.at(-1)).toEqual([...fresh, ...own]);
    m.server(roomInfo(ME, BOB, CAROL));
    expect(m.peer(CAROL)!.options.iceServers).toEqual([...fresh, ...own]);
  });
});
