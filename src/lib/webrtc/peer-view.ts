import type { PeerSnapshot } from './peer-machine.ts';
import type { CandidatePair, ConnectionState, IceConnectionState, SignalingState } from './peer-events.ts';

/** What the UI shows of one peer. */
export interface PeerView {
  readonly closed: boolean;
  readonly polite: boolean;
  readonly negotiation: string;
  readonly link: string;
  readonly connectionState: ConnectionState;
  readonly iceConnectionState: IceConnectionState;
  readonly signalingState: SignalingState;
  readonly remoteStreamIds: readonly string[];
  readonly incomingVideo: boolean;
  readonly candidatePair: CandidatePair | null;
}

export function peerView(snapshot: PeerSnapshot): PeerView {
  const { context, value } = snapshot;
  const active = typeof value === 'object' ? (value.active as Record<string, string> | undefined) : undefined;
  return {
    closed: snapshot.status === 'done',
    polite: context.polite,
    negotiation: active?.negotiation ?? 'closed',
    link: active?.link ?? 'closed',
    connectionState: context.connectionState,
    iceConnectionState: context.iceConnectionState,
    signalingState: context.signalingState,
    remoteStreamIds: context.remoteStreamIds,
    incomingVideo: context.incomingVideo,
    candidatePair: context.candidatePair,
  };
}
