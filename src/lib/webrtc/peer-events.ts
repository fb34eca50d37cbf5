import type { Candidate, IceServer } from '$protocol/outbound.ts';
import type { ClientFrame } from '../signaling/frames.ts';

// What the peer machine (peer-machine.ts) receives, emits and holds: the contract between it, the one
// module that runs its commands on an RTCPeerConnection (peer-connection.ts), and the room.

export type DescriptionType = 'offer' | 'answer';
export interface SessionDescription {
  readonly type: DescriptionType;
  readonly sdp: string;
}
export type { Candidate };
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
export interface CandidatePair {
  readonly local: CandidateType | null;
  readonly remote: CandidateType | null;
  /** 'udp' or 'tcp', as getStats reports the local candidate. */
  readonly protocol: string | null;
}
export type ConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';
export type IceConnectionState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';
export type SignalingState = 'stable' | 'have-local-offer' | 'have-remote-offer' | 'have-local-pranswer' | 'have-remote-pranswer' | 'closed';

/** What the machine asks of the RTCPeerConnection; peer-connection.ts runs them one at a time. */
export type PeerCommand =
  /** Argument-less: an offer in stable, an answer in have-remote-offer. */
  | { type: 'setLocalDescription' }
  | { type: 'setRemoteDescription'; description: SessionDescription }
  | { type: 'addIceCandidate'; candidate: Candidate }
  /** Back to stable from whichever side's offer is pending; nothing when already stable. */
  | { type: 'rollback' }
  | { type: 'restartIce' }
  | { type: 'setConfiguration'; iceServers: readonly IceServer[] }
  /**
   * Receive this person's video or not: every video transceiver's direction gains or loses `recv`
   * (sendrecv ⇄ sendonly, recvonly ⇄ inactive). A changed direction fires negotiationneeded, so the
   * change reaches the other side through the negotiation below, and their sender stops sending.
   */
  | { type: 'setIncomingVideo'; enabled: boolean }
  | { type: 'readStats' }
  | { type: 'close' };

/** What peer-connection.ts reports: RTCPeerConnection callbacks and the results of commands. */
export type ConnectionEvent =
  | { type: 'NEGOTIATION_NEEDED' }
  | { type: 'LOCAL_DESCRIPTION_SET'; description: SessionDescription }
  | { type: 'REMOTE_DESCRIPTION_SET'; descriptionType: DescriptionType }
  | { type: 'OPERATION_FAILED'; command: PeerCommand['type']; descriptionType?: DescriptionType; message: string }
  | { type: 'ICE_CANDIDATE_GATHERED'; candidate: Candidate }
  | { type: 'CONNECTION_STATE_CHANGED'; state: ConnectionState }
  | { type: 'ICE_CONNECTION_STATE_CHANGED'; state: IceConnectionState }
  | { type: 'SIGNALING_STATE_CHANGED'; state: SignalingState }
  /** The ids of the remote streams that have tracks, after a track came or went. */
  | { type: 'STREAMS_CHANGED'; streamIds: readonly string[] }
  | { type: 'STATS_READ'; candidatePair: CandidatePair | null };

/** What the room tells a peer. */
export type RoomEvent =
  | { type: 'DESCRIPTION_RECEIVED'; description: SessionDescription }
  | { type: 'CANDIDATE_RECEIVED'; candidate: Candidate }
  | { type: 'ICE_SERVERS_CHANGED'; iceServers: readonly IceServer[] }
  /** The person here switched this peer's incoming video off (false) or on (true). */
  | { type: 'INCOMING_VIDEO_SET'; enabled: boolean }
  | { type: 'PEER_LEFT' };

export type PeerEvent = ConnectionEvent | RoomEvent;

export type PeerSignal = Extract<ClientFrame, { type: 'offer' | 'answer' | 'icecandidate' }>;

export type PeerEmitted =
  | { type: 'command'; command: PeerCommand }
  | { type: 'signal'; message: PeerSignal }
  | { type: 'iceServersWanted' };

export interface PeerInput {
  readonly ownId: string;
  readonly peerId: string;
}

export interface PeerContext {
  readonly ownId: string;
  readonly peerId: string;
  readonly polite: boolean;
  /** Remote candidates that came before any remote description. */
  readonly pendingCandidates: readonly Candidate[];
  /** The remote offer being ignored (impolite side, glare) until the next description is accepted. */
  readonly ignoredOffer: { readonly ufrag: string | null } | null;
  readonly droppedCandidates: number;
  readonly failedCandidates: number;
  /** As the RTCPeerConnection last reported them. */
  readonly connectionState: ConnectionState;
  readonly iceConnectionState: IceConnectionState;
  readonly signalingState: SignalingState;
  readonly remoteStreamIds: readonly string[];
  /** Whether we ask to receive this person's video (switched off by the person here: false). */
  readonly incomingVideo: boolean;
  readonly candidatePair: CandidatePair | null;
  readonly lastError: { readonly command: PeerCommand['type']; readonly message: string } | null;
}
