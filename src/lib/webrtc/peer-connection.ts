import type { IceServer } from '$protocol/outbound.ts';
import type {
  Candidate,
  CandidatePair,
  CandidateType,
  ConnectionEvent,
  ConnectionState,
  DescriptionType,
  IceConnectionState,
  PeerCommand,
  SignalingState,
} from './peer-events.ts';

/**
 * The only code that calls RTCPeerConnection. It turns the connection's callbacks (negotiationneeded,
 * icecandidate, connectionstatechange, iceconnectionstatechange, signalingstatechange, track) into
 * peer-machine events, and runs the machine's commands strictly one at a time, in the order given,
 * each starting only after the one before has settled; every result is reported back as an event
 * before the next command starts. Decisions are the machine's: nothing here looks at glare or
 * politeness.
 */

export interface PeerConnectionOptions {
  readonly iceServers: readonly IceServer[];
  readonly localStream?: MediaStream | null;
  /** How to make the RTCPeerConnection; tests pass a fake. */
  readonly createPeerConnection?: (configuration: RTCConfiguration) => RTCPeerConnection;
}

/**
 * A transceiver direction with receiving switched on or off, sending left as it is:
 * sendrecv ⇄ sendonly, recvonly ⇄ inactive. (The original client flipped sendrecv to sendonly.)
 */
export function withReceiving(direction: RTCRtpTransceiverDirection, receive: boolean): RTCRtpTransceiverDirection {
  if (direction === 'stopped') return direction;
  const sends = direction === 'sendrecv' || direction === 'sendonly';
  if (receive) return sends ? 'sendrecv' : 'recvonly';
  return sends ? 'sendonly' : 'inactive';
}

/** The same with sending switched on or off, receiving left as it is: sendrecv ⇄ recvonly, sendonly ⇄ inactive. */
export function withSending(direction: RTCRtpTransceiverDirection, send: boolean): RTCRtpTransceiverDirection {
  if (direction === 'stopped') return direction;
  const receives = direction === 'sendrecv' || direction === 'recvonly';
  if (send) return receives ? 'sendrecv' : 'sendonly';
  return receives ? 'recvonly' : 'inactive';
}

const toRtcIceServers = (iceServers: readonly IceServer[]): RTCIceServer[] =>
  iceServers.map((s) => ({
    urls: [...s.urls],
    ...(s.username !== undefined ? { username: s.username } : {}),
    ...(s.credential !== undefined ? { credential: s.credential } : {}),
  }));

/**
 * Chromium (seen with Debian's 156, headless): in a page where no RTCPeerConnection has gathered yet,
 * a connection whose first offer is rolled back right after setLocalDescription() (the polite side of
 * glare) can end up never gathering a single candidate, for good: no ICE restart revives it. Measured
 * here with the plain API: 14 of 40 fresh pages when the rollback follows at once, ~2% in real glare;
 * 0 of 60 once the page had gathered before. So the first connection of a page waits until a
 * throwaway connection has gathered (first candidate, end of candidates, or 2 s, whichever is first).
 */
let networkWarmUp: Promise<void> | undefined;
function warmUpNetwork(): Promise<void> {
  networkWarmUp ??= new Promise<void>((resolve) => {
    let pc: RTCPeerConnection | undefined;
    const done = () => {
      clearTimeout(timer);
      pc?.close();
      resolve();
    };
    const timer = setTimeout(done, 2_000);
    try {
      pc = new RTCPeerConnection();
      pc.onicecandidate = done;
      pc.createDataChannel('warm-up');
      pc.setLocalDescription().catch(done);
    } catch {
      done();
    }
  });
  return networkWarmUp;
}

export class PeerConnection {
  #pc!: RTCPeerConnection;
  readonly #ready: Promise<void>;
  readonly #report: (event: ConnectionEvent) => void;
  #queue: Promise<void>;
  #closed = false;
  #incomingVideo = true;
  readonly #remoteStreams = new Map<string, MediaStream>();
  readonly #senders = new Map<string, RTCRtpSender>();
  /** The stream the others receive our tracks in (its id is what groups them into one feed there). */
  #sentStream: MediaStream | undefined;

  /**
   * The RTCPeerConnection is made at once with `createPeerConnection` (tests), or, for the real one,
   * after the page's network warm-up; commands given meanwhile wait in the queue.
   */
  constructor(options: PeerConnectionOptions, report: (event: ConnectionEvent) => void) {
    this.#report = report;
    if (options.createPeerConnection) {
      this.#open(options.createPeerConnection, options);
      this.#ready = Promise.resolve();
    } else {
      this.#ready = warmUpNetwork().then(() => this.#open((configuration) => new RTCPeerConnection(configuration), options));
    }
    this.#queue = this.#ready;
  }

  #open(create: (configuration: RTCConfiguration) => RTCPeerConnection, options: PeerConnectionOptions): void {
    let pc: RTCPeerConnection;
    try {
      pc = create({ iceServers: toRtcIceServers(options.iceServers) });
    } catch (error) {
      // A server list the browser refuses (e.g. a TURN URL without credentials): connect without it.
      pc = create({ iceServers: [] });
      queueMicrotask(() => this.#emit({ type: 'OPERATION_FAILED', command: 'setConfiguration', message: describe(error) }));
    }
    this.#pc = pc;

    pc.onnegotiationneeded = () => this.#emit({ type: 'NEGOTIATION_NEEDED' });
    pc.onicecandidate = ({ candidate }) => {
      // null marks the end of gathering; the protocol has no message for it.
      if (!candidate || !candidate.candidate) return;
      this.#emit({ type: 'ICE_CANDIDATE_GATHERED', candidate: toCandidate(candidate) });
    };
    pc.onconnectionstatechange = () => this.#emit({ type: 'CONNECTION_STATE_CHANGED', state: pc.connectionState as ConnectionState });
    pc.oniceconnectionstatechange = () =>
      this.#emit({ type: 'ICE_CONNECTION_STATE_CHANGED', state: pc.iceConnectionState as IceConnectionState });
    pc.onsignalingstatechange = () => this.#emit({ type: 'SIGNALING_STATE_CHANGED', state: pc.signalingState as SignalingState });
    pc.ontrack = ({ track, streams }) => this.#addRemoteTrack(track, streams);

    // No sender exists yet, so this only adds tracks, synchronously.
    if (options.localStream) void this.#attachLocalStream(options.localStream);
  }

  /** Queues a machine command behind every command before it. The promise settles when it has run. */
  execute(command: PeerCommand): Promise<void> {
    const run = this.#queue.then(() => this.#run(command));
    this.#queue = run;
    return run;
  }

  /** The remote streams by id (the machine's `remoteStreamIds` say which exist). */
  stream(id: string): MediaStream | undefined {
    return this.#remoteStreams.get(id);
  }

  get remoteStreams(): readonly MediaStream[] {
    return [...this.#remoteStreams.values()];
  }

  /**
   * How loud this person is now (0–1, linear): the loudest level the browser read from their audio in
   * the last second (RTP's audio-level header). 0 without audio, or when their packets stopped.
   */
  audioLevel(): number {
    if (this.#closed || !this.#pc) return 0;
    const recent = performance.timeOrigin + performance.now() - 1_000;
    let level = 0;
    for (const receiver of this.#pc.getReceivers()) {
      if (receiver.track.kind !== 'audio') continue;
      for (const source of receiver.getSynchronizationSources()) {
        if (source.timestamp >= recent) level = Math.max(level, source.audioLevel ?? 0);
      }
    }
    return level;
  }

  /** The full getStats() report, for diagnostics (not queued: it changes nothing). */
  async stats(): Promise<RTCStatsReport> {
    await this.#ready;
    return this.#pc.getStats();
  }

  /**
   * Sends this stream's tracks instead of the current ones (null: send nothing). Kinds already sent
   * are swapped with replaceTrack (no renegotiation); a new kind is added, which fires
   * negotiationneeded. Queued like the commands, so it never runs in the middle of a negotiation step.
   */
  setLocalStream(stream: MediaStream | null): Promise<void> {
    const run = this.#queue.then(async () => {
      if (this.#closed) return;
      try {
        await this.#attachLocalStream(stream);
      } catch (error) {
        // A track swap that fails is not fatal to the call; the old track keeps playing.
        console.warn('setLocalStream failed', error);
      }
    });
    this.#queue = run;
    return run;
  }

  async #attachLocalStream(stream: MediaStream | null): Promise<void> {
    const tracks = stream?.getTracks() ?? [];
    for (const track of tracks) {
      const sender = this.#senders.get(track.kind);
      if (sender) {
        await sender.replaceTrack(track);
        this.#setSending(sender, true);
      } else if (stream) {
        // A kind sent for the first time (a screen shared by someone without a camera) joins the stream
        // already sent, so the others get it in the same feed as the sound, not in a second one.
        this.#sentStream ??= stream;
        this.#senders.set(track.kind, this.#pc.addTrack(track, this.#sentStream));
      }
    }
    const kinds = new Set(tracks.map((t) => t.kind));
    for (const [kind, sender] of this.#senders) {
      if (kinds.has(kind) || !sender.track) continue;
      await sender.replaceTrack(null);
      // Nothing left to send of this kind (a share ended, and there is no camera to go back to): saying
      // so in the next negotiation takes the track out of the others' feed instead of freezing its last frame.
      this.#setSending(sender, false);
    }
  }

  /** Switches sending on `sender`'s transceiver on or off; a change fires negotiationneeded. */
  #setSending(sender: RTCRtpSender, send: boolean): void {
    const transceiver = this.#pc.getTransceivers().find((t) => t.sender === sender);
    if (!transceiver || transceiver.currentDirection === 'stopped' || transceiver.direction === 'stopped') return;
    const direction = withSending(transceiver.direction, send);
    if (transceiver.direction !== direction) transceiver.direction = direction;
  }

  /** Sets every live video transceiver's direction to (not) receive; a change fires negotiationneeded. */
  #applyIncomingVideo(): void {
    for (const transceiver of this.#pc.getTransceivers()) {
      if (transceiver.receiver.track.kind !== 'video' || transceiver.currentDirection === 'stopped' || transceiver.direction === 'stopped') continue;
      const direction = withReceiving(transceiver.direction, this.#incomingVideo);
      if (transceiver.direction !== direction) transceiver.direction = direction;
    }
  }

  #emit(event: ConnectionEvent): void {
    if (!this.#closed) this.#report(event);
  }

  #addRemoteTrack(track: MediaStreamTrack, streams: readonly MediaStream[]): void {
    // A track sent without a stream still gets one, so the UI has something to attach.
    const owners = streams.length > 0 ? streams : [new MediaStream([track])];
    for (const stream of owners) {
      if (!this.#remoteStreams.has(stream.id)) {
        this.#remoteStreams.set(stream.id, stream);
        stream.onremovetrack = () => {
          if (stream.getTracks().length === 0 && this.#remoteStreams.delete(stream.id)) this.#reportStreams();
        };
      }
    }
    this.#reportStreams();
  }

  #reportStreams(): void {
    this.#emit({ type: 'STREAMS_CHANGED', streamIds: [...this.#remoteStreams.keys()] });
  }

  async #run(command: PeerCommand): Promise<void> {
    if (this.#closed) return;
    const pc = this.#pc;
    const descriptionType: DescriptionType | undefined = command.type === 'setRemoteDescription' ? command.description.type : undefined;
    try {
      switch (command.type) {
        case 'setLocalDescription': {
          await pc.setLocalDescription();
          const local = pc.localDescription;
          if (!local || (local.type !== 'offer' && local.type !== 'answer')) throw new Error(`unexpected local description ${local?.type}`);
          this.#emit({ type: 'LOCAL_DESCRIPTION_SET', description: { type: local.type, sdp: local.sdp } });
          return;
        }
        case 'setRemoteDescription':
          await pc.setRemoteDescription({ type: command.description.type, sdp: command.description.sdp });
          // An offer may bring a new video transceiver (recvonly): it answers as switched off too.
          if (command.description.type === 'offer' && !this.#incomingVideo) this.#applyIncomingVideo();
          this.#emit({ type: 'REMOTE_DESCRIPTION_SET', descriptionType: command.description.type });
          return;
        case 'addIceCandidate':
          await pc.addIceCandidate(command.candidate);
          return;
        case 'rollback':
          if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
          else if (pc.signalingState === 'have-remote-offer') await pc.setRemoteDescription({ type: 'rollback' });
          return;
        case 'restartIce':
          pc.restartIce();
          return;
        case 'setConfiguration':
          pc.setConfiguration({ ...pc.getConfiguration(), iceServers: toRtcIceServers(command.iceServers) });
          return;
        case 'setIncomingVideo':
          this.#incomingVideo = command.enabled;
          this.#applyIncomingVideo();
          return;
        case 'readStats':
          this.#emit({ type: 'STATS_READ', candidatePair: selectedCandidatePair(await pc.getStats()) });
          return;
        case 'close':
          this.#closed = true;
          pc.close();
          for (const stream of this.#remoteStreams.values()) stream.onremovetrack = null;
          this.#remoteStreams.clear();
          return;
      }
    } catch (error) {
      this.#emit({
        type: 'OPERATION_FAILED',
        command: command.type,
        ...(descriptionType ? { descriptionType } : {}),
        message: describe(error),
      });
    }
  }
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

function toCandidate(candidate: RTCIceCandidate): Candidate {
  return {
    candidate: candidate.candidate,
    sdpMid: candidate.sdpMid,
    sdpMLineIndex: candidate.sdpMLineIndex,
    usernameFragment: candidate.usernameFragment,
  };
}

const CANDIDATE_TYPES: ReadonlySet<string> = new Set<CandidateType>(['host', 'srflx', 'prflx', 'relay']);
const candidateType = (value: unknown): CandidateType | null =>
  typeof value === 'string' && CANDIDATE_TYPES.has(value) ? (value as CandidateType) : null;

type Stat = { type: string; [key: string]: unknown };

/**
 * The candidate pair in use, from a getStats() report: the transport's selectedCandidatePairId
 * (Chromium), else a pair marked selected (Firefox) or nominated and succeeded.
 */
export function selectedCandidatePair(report: { forEach(callback: (stat: Stat) => void): void; get(id: string): unknown }): CandidatePair | null {
  let pairId: string | undefined;
  let fallback: Stat | undefined;
  report.forEach((stat) => {
    if (stat.type === 'transport' && typeof stat.selectedCandidatePairId === 'string') pairId ??= stat.selectedCandidatePairId;
    if (stat.type === 'candidate-pair' && (stat.selected === true || (stat.nominated === true && stat.state === 'succeeded'))) fallback ??= stat;
  });
  const pair = (pairId !== undefined ? (report.get(pairId) as Stat | undefined) : undefined) ?? fallback;
  if (!pair) return null;
  const local = report.get(String(pair.localCandidateId)) as Stat | undefined;
  const remote = report.get(String(pair.remoteCandidateId)) as Stat | undefined;
  return {
    local: candidateType(local?.candidateType),
    remote: candidateType(remote?.candidateType),
    protocol: typeof local?.protocol === 'string' ? local.protocol : null,
  };
}
