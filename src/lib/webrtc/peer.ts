import { createActor, type Actor, type ActorOptions } from 'xstate';
import type { IceServer } from '$protocol/outbound.ts';
import type { PeerSignalFrame, ServerFrame } from '../signaling/frames.ts';
import { PeerConnection, type PeerConnectionOptions } from './peer-connection.ts';
import type { PeerSignal } from './peer-events.ts';
import { peerMachine, type PeerMachine } from './peer-machine.ts';

/**
 * One remote person: a peer machine and the PeerConnection that carries out its commands, wired
 * together. The room makes one per other client in room-info, hands it that client's relayed
 * frames, and sends what it signals.
 */
export interface Peer {
  readonly id: string;
  /** Subscribe for the UI (see peerView); `send` is for the events in receive() and friends. */
  readonly actor: Actor<PeerMachine>;
  readonly connection: PeerConnection;
  /** Hands over an offer, answer, icecandidate or bye relayed from this peer. */
  receive(frame: PeerSignalFrame | Extract<ServerFrame, { type: 'bye' }>): void;
  /** Forward every ice-servers reply; used at the next ICE (re)start. */
  iceServersChanged(iceServers: readonly IceServer[]): void;
  setLocalStream(stream: MediaStream | null): Promise<void>;
  /** Receive this person's video (true) or switch it off to save bandwidth (false). */
  setIncomingVideo(enabled: boolean): void;
  /** The person left (room-info without them, or bye): closes the connection. */
  close(): void;
}

export interface PeerOptions {
  readonly ownId: string;
  readonly peerId: string;
  readonly iceServers: readonly IceServer[];
  readonly localStream?: MediaStream | null;
  /** Each offer, answer and icecandidate for this peer, addressed; send it with signaling SEND. */
  readonly signal: (message: PeerSignal) => void;
  /** An ICE restart wants fresh TURN credentials: send get-ice-servers (once for many peers is fine). */
  readonly onIceServersWanted?: () => void;
  /** For tests: a machine with other delays, a clock, a fake RTCPeerConnection. */
  readonly machine?: PeerMachine;
  readonly actorOptions?: Pick<ActorOptions<PeerMachine>, 'clock' | 'inspect'>;
  readonly createPeerConnection?: PeerConnectionOptions['createPeerConnection'];
}

export function createPeer(options: PeerOptions): Peer {
  const actor = createActor(options.machine ?? peerMachine, {
    ...options.actorOptions,
    input: { ownId: options.ownId, peerId: options.peerId },
  });
  const connection = new PeerConnection(
    {
      iceServers: options.iceServers,
      localStream: options.localStream ?? null,
      ...(options.createPeerConnection ? { createPeerConnection: options.createPeerConnection } : {}),
    },
    // After PEER_LEFT the machine is done while the close command may still be queued.
    (event) => {
      if (actor.getSnapshot().status === 'active') actor.send(event);
    },
  );
  actor.on('command', ({ command }) => void connection.execute(command));
  actor.on('signal', ({ message }) => options.signal(message));
  actor.on('iceServersWanted', () => options.onIceServersWanted?.());
  actor.start();

  return {
    id: options.peerId,
    actor,
    connection,
    receive(frame) {
      switch (frame.type) {
        case 'offer':
        case 'answer':
          actor.send({ type: 'DESCRIPTION_RECEIVED', description: { type: frame.data.type, sdp: frame.data.sdp } });
          return;
        case 'icecandidate':
          actor.send({ type: 'CANDIDATE_RECEIVED', candidate: frame.data });
          return;
        case 'bye':
          actor.send({ type: 'PEER_LEFT' });
          return;
      }
    },
    iceServersChanged: (iceServers) => actor.send({ type: 'ICE_SERVERS_CHANGED', iceServers }),
    setLocalStream: (stream) => connection.setLocalStream(stream),
    setIncomingVideo: (enabled) => actor.send({ type: 'INCOMING_VIDEO_SET', enabled }),
    close: () => actor.send({ type: 'PEER_LEFT' }),
  };
}
