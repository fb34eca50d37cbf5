import { describe, expect, it } from 'vitest';
import { PeerConnection, selectedCandidatePair, withReceiving, withSending } from './peer-connection.ts';
import type { ConnectionEvent, PeerCommand } from './peer-events.ts';

/**
 * A stand-in RTCPeerConnection whose asynchronous calls stay pending until the test settles them,
 * so the tests can see that the driver never has two in flight.
 */
class FakePeerConnection {
  signalingState: RTCSignalingState = 'stable';
  connectionState: RTCPeerConnectionState = 'new';
  iceConnectionState: RTCIceConnectionState = 'new';
  localDescription: { type: RTCSdpType; sdp: string } | null = null;
  configuration: RTCConfiguration;
  readonly calls: string[] = [];
  readonly pending: { name: string; settle: (error?: Error) => void }[] = [];
  closed = false;
  stats = new Map<string, Record<string, unknown>>();
  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((e: { candidate: Partial<RTCIceCandidate> | null }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  onsignalingstatechange: (() => void) | null = null;
  ontrack: ((e: unknown) => void) | null = null;
  transceivers: { direction: RTCRtpTransceiverDirection; currentDirection: RTCRtpTransceiverDirection | null; receiver: { track: { kind: string } } }[] = [];

  constructor(configuration: RTCConfiguration) {
    this.configuration = configuration;
  }

  #async(name: string, effect: () => void = () => {}): Promise<void> {
    this.calls.push(name);
    return new Promise((resolve, reject) => {
      this.pending.push({ name, settle: (error) => (error ? reject(error) : (effect(), resolve())) });
    });
  }

  setLocalDescription(description?: RTCLocalSessionDescriptionInit) {
    if (description?.type === 'rollback') return this.#async('setLocalDescription(rollback)', () => (this.signalingState = 'stable'));
    return this.#async('setLocalDescription()', () => {
      const type = this.signalingState === 'have-remote-offer' ? 'answer' : 'offer';
      this.localDescription = { type, sdp: `${type}-sdp` };
      this.signalingState = type === 'offer' ? 'have-local-offer' : 'stable';
    });
  }
  setRemoteDescription(description: RTCSessionDescriptionInit) {
    return this.#async(`setRemoteDescription(${description.type})`, () => {
      this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
    });
  }
  addIceCandidate(candidate: RTCIceCandidateInit) {
    return this.#async(`addIceCandidate(${candidate.candidate})`);
  }
  restartIce() {
    this.calls.push('restartIce()');
  }
  getTransceivers() {
    return this.transceivers;
  }
  getConfiguration() {
    return this.configuration;
  }
  setConfiguration(configuration: RTCConfiguration) {
    this.calls.push('setConfiguration()');
    this.configuration = configuration;
  }
  async getStats() {
    this.calls.push('getStats()');
    return this.stats;
  }
  close() {
    this.calls.push('close()');
    this.closed = true;
  }
}

function driver() {
  let fake!: FakePeerConnection;
  const events: ConnectionEvent[] = [];
  const connection = new PeerConnection(
    {
      iceServers: [{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' }],
      createPeerConnection: (configuration) => (fake = new FakePeerConnection(configuration)) as unknown as RTCPeerConnection,
    },
    (event) => events.push(event),
  );
  /** Settles the oldest pending call, then lets the driver's continuation run. */
  const settle = async (error?: Error) => {
    const call = fake.pending.shift();
    if (!call) throw new Error('nothing pending');
    call.settle(error);
    await flush();
  };
  return { connection, fake, events, settle };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PeerConnection: commands run one at a time, in order', () => {
  it('starts each command only after the one before has settled, and reports each result before the next starts', async () => {
    const d = driver();
    const commands: PeerCommand[] = [
      { type: 'setRemoteDescription', description: { type: 'offer', sdp: 'o' } },
      { type: 'addIceCandidate', candidate: { candidate: 'c1' } },
      { type: 'setLocalDescription' },
    ];
    commands.forEach((c) => void d.connection.execute(c));
    await flush();
    expect(d.fake.calls).toEqual(['setRemoteDescription(offer)']);
    await d.settle();
    expect(d.events).toEqual([{ type: 'REMOTE_DESCRIPTION_SET', descriptionType: 'offer' }]);
    expect(d.fake.calls).toEqual(['setRemoteDescription(offer)', 'addIceCandidate(c1)']);
    await d.settle();
    expect(d.fake.calls.at(-1)).toBe('setLocalDescription()');
    await d.settle();
    expect(d.events.at(-1)).toEqual({ type: 'LOCAL_DESCRIPTION_SET', description: { type: 'answer', sdp: 'answer-sdp' } });
    expect(d.fake.pending).toEqual([]);
  });

  it('a failure is reported (with the description type) and the queue goes on', async () => {
    const d = driver();
    void d.connection.execute({ type: 'setRemoteDescription', description: { type: 'answer', sdp: 'a' } });
    void d.connection.execute({ type: 'addIceCandidate', candidate: { candidate: 'c1' } });
    await flush();
    await d.settle(Object.assign(new Error('wrong state'), { name: 'InvalidStateError' }));
    expect(d.events).toEqual([
      { type: 'OPERATION_FAILED', command: 'setRemoteDescription', descriptionType: 'answer', message: 'InvalidStateError: wrong state' },
    ]);
    expect(d.fake.calls.at(-1)).toBe('addIceCandidate(c1)');
    await d.settle(new Error('bad candidate'));
    expect(d.events.at(-1)).toMatchObject({ type: 'OPERATION_FAILED', command: 'addIceCandidate' });
  });

  it('rolls back from whichever side holds the offer, and not at all when stable', async () => {
    const d = driver();
    void d.connection.execute({ type: 'rollback' });
    await flush();
    expect(d.fake.calls).toEqual([]);
    d.fake.signalingState = 'have-local-offer';
    void d.connection.execute({ type: 'rollback' });
    await flush();
    expect(d.fake.calls).toEqual(['setLocalDescription(rollback)']);
    await d.settle();
    d.fake.signalingState = 'have-remote-offer';
    void d.connection.execute({ type: 'rollback' });
    await flush();
    expect(d.fake.calls.at(-1)).toBe('setRemoteDescription(rollback)');
  });

  it('restartIce, setConfiguration, readStats and close', async () => {
    const d = driver();
    expect(d.fake.configuration.iceServers).toEqual([{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' }]);
    d.fake.stats = new Map<string, Record<string, unknown>>([
      ['T1', { type: 'transport', selectedCandidatePairId: 'P1' }],
      ['P1', { type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1' }],
      ['L1', { type: 'local-candidate', candidateType: 'relay', protocol: 'udp' }],
      ['R1', { type: 'remote-candidate', candidateType: 'srflx' }],
    ]);
    await d.connection.execute({ type: 'setConfiguration', iceServers: [{ urls: ['stun:127.0.0.1:1'] }] });
    await d.connection.execute({ type: 'restartIce' });
    await d.connection.execute({ type: 'readStats' });
    expect(d.fake.configuration.iceServers).toEqual([{ urls: ['stun:127.0.0.1:1'] }]);
    expect(d.events).toEqual([{ type: 'STATS_READ', candidatePair: { local: 'relay', remote: 'srflx', protocol: 'udp' } }]);
    await d.connection.execute({ type: 'close' });
    await d.connection.execute({ type: 'setLocalDescription' });
    expect(d.fake.calls).toEqual(['setConfiguration()', 'restartIce()', 'getStats()', 'close()']);
  });
});

describe('PeerConnection: callbacks become machine events', () => {
  it('reports negotiationneeded, candidates (not the end marker) and state changes, and nothing after close', async () => {
    const d = driver();
    d.fake.onnegotiationneeded?.();
    d.fake.onicecandidate?.({ candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'uf' } });
    d.fake.onicecandidate?.({ candidate: null });
    d.fake.connectionState = 'connecting';
    d.fake.onconnectionstatechange?.();
    d.fake.iceConnectionState = 'checking';
    d.fake.oniceconnectionstatechange?.();
    d.fake.signalingState = 'have-local-offer';
    d.fake.onsignalingstatechange?.();
    expect(d.events).toEqual([
      { type: 'NEGOTIATION_NEEDED' },
      {
        type: 'ICE_CANDIDATE_GATHERED',
        candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'uf' },
      },
      { type: 'CONNECTION_STATE_CHANGED', state: 'connecting' },
      { type: 'ICE_CONNECTION_STATE_CHANGED', state: 'checking' },
      { type: 'SIGNALING_STATE_CHANGED', state: 'have-local-offer' },
    ] satisfies ConnectionEvent[]);
    await d.connection.execute({ type: 'close' });
    d.fake.onnegotiationneeded?.();
    expect(d.events).toHaveLength(5);
  });
});

describe('PeerConnection: an ICE server list the browser refuses', () => {
  it('connects without it and reports the failure', async () => {
    const configurations: RTCConfiguration[] = [];
    const events: ConnectionEvent[] = [];
    new PeerConnection(
      {
        iceServers: [{ urls: ['turn:127.0.0.1:3478'] }],
        createPeerConnection: (configuration) => {
          configurations.push(configuration);
          if (configuration.iceServers?.length) throw Object.assign(new Error('no credential'), { name: 'InvalidAccessError' });
          return new FakePeerConnection(configuration) as unknown as RTCPeerConnection;
        },
      },
      (event) => events.push(event),
    );
    await flush();
    expect(configurations.map((c) => c.iceServers)).toEqual([[{ urls: ['turn:127.0.0.1:3478'] }], []]);
    expect(events).toEqual([{ type: 'OPERATION_FAILED', command: 'setConfiguration', message: 'InvalidAccessError: no credential' }]);
  });
});

describe('selectedCandidatePair', () => {
  const report = (entries: [string, Record<string, unknown>][]) => new Map(entries) as unknown as Parameters<typeof selectedCandidatePair>[0];

  it('falls back to a selected or nominated pair when the transport does not name one', () => {
    const pair = selectedCandidatePair(
      report([
        ['P0', { type: 'candidate-pair', nominated: false, state: 'failed', localCandidateId: 'L0', remoteCandidateId: 'R0' }],
        ['P1', { type: 'candidate-pair', nominated: true, state: 'succeeded', localCandidateId: 'L1', remoteCandidateId: 'R1' }],
        ['L1', { type: 'local-candidate', candidateType: 'host', protocol: 'udp' }],
        ['R1', { type: 'remote-candidate', candidateType: 'prflx' }],
      ]),
    );
    expect(pair).toEqual({ local: 'host', remote: 'prflx', protocol: 'udp' });
  });

  it('is null before any pair is selected', () => {
    expect(selectedCandidatePair(report([['T1', { type: 'transport' }]]))).toBeNull();
  });
});

describe('switching incoming video off and on', () => {
  it('withReceiving adds or removes recv and keeps send', () => {
    expect(withReceiving('sendrecv', false)).toBe('sendonly');
    expect(withReceiving('sendonly', true)).toBe('sendrecv');
    expect(withReceiving('recvonly', false)).toBe('inactive');
    expect(withReceiving('inactive', true)).toBe('recvonly');
    expect(withReceiving('sendrecv', true)).toBe('sendrecv');
    expect(withReceiving('stopped', true)).toBe('stopped');
  });

  it('withSending adds or removes send and keeps recv (a share ends with no camera to go back to)', () => {
    expect(withSending('sendrecv', false)).toBe('recvonly');
    expect(withSending('recvonly', true)).toBe('sendrecv');
    expect(withSending('sendonly', false)).toBe('inactive');
    expect(withSending('inactive', true)).toBe('sendonly');
    expect(withSending('recvonly', false)).toBe('recvonly');
    expect(withSending('stopped', true)).toBe('stopped');
  });

  it('flips only video transceivers, and answers a later offer with the new video transceiver off too', async () => {
    const d = driver();
    const t = (kind: string, direction: RTCRtpTransceiverDirection) => ({ direction, currentDirection: direction, receiver: { track: { kind } } });
    d.fake.transceivers = [t('audio', 'sendrecv'), t('video', 'sendrecv'), t('video', 'recvonly')];
    await d.connection.execute({ type: 'setIncomingVideo', enabled: false });
    expect(d.fake.transceivers.map((x) => x.direction)).toEqual(['sendrecv', 'sendonly', 'inactive']);

    // A remote offer adds a video transceiver: it is switched off before the answer is made.
    const run = d.connection.execute({ type: 'setRemoteDescription', description: { type: 'offer', sdp: 'o' } });
    await flush();
    d.fake.transceivers.push(t('video', 'recvonly'));
    await d.settle();
    await run;
    expect(d.fake.transceivers.map((x) => x.direction)).toEqual(['sendrecv', 'sendonly', 'inactive', 'inactive']);

    await d.connection.execute({ type: 'setIncomingVideo', enabled: true });
    expect(d.fake.transceivers.map((x) => x.direction)).toEqual(['sendrecv', 'sendrecv', 'recvonly', 'recvonly']);
  });
});
