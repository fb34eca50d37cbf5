import { describe, expect, it } from 'vitest';
import { createActor, initialTransition, SimulatedClock, transition } from 'xstate';
import type { Candidate, PeerCommand, PeerEmitted, PeerEvent, PeerSignal } from './peer-events.ts';
import { peerMachine, ufragOf, type PeerSnapshot } from './peer-machine.ts';
import { peerView } from './peer-view.ts';

// polite = ownId < peerId
const LOW = '1'.repeat(32);
const HIGH = 'f'.repeat(32);
const polite = { ownId: LOW, peerId: HIGH };
const impolite = { ownId: HIGH, peerId: LOW };

const sdp = (ufrag: string, kind = 'offer') => `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=${kind}\r\na=ice-ufrag:${ufrag}\r\na=ice-pwd:secret\r\n`;
const offer = (ufrag = 'remoteOffer'): PeerEvent => ({ type: 'DESCRIPTION_RECEIVED', description: { type: 'offer', sdp: sdp(ufrag) } });
const answer = (ufrag = 'remoteAnswer'): PeerEvent => ({ type: 'DESCRIPTION_RECEIVED', description: { type: 'answer', sdp: sdp(ufrag, 'answer') } });
const candidate = (n: number, ufrag?: string): Candidate => ({
  candidate: `candidate:${n} 1 udp 2122260223 192.0.2.${n} 5000${n} typ host`,
  sdpMid: '0',
  sdpMLineIndex: 0,
  ...(ufrag ? { usernameFragment: ufrag } : {}),
});
const remoteCandidate = (n: number, ufrag?: string): PeerEvent => ({ type: 'CANDIDATE_RECEIVED', candidate: candidate(n, ufrag) });

const NEGOTIATION_NEEDED: PeerEvent = { type: 'NEGOTIATION_NEEDED' };
const localOfferSet: PeerEvent = { type: 'LOCAL_DESCRIPTION_SET', description: { type: 'offer', sdp: sdp('localOffer') } };
const localAnswerSet: PeerEvent = { type: 'LOCAL_DESCRIPTION_SET', description: { type: 'answer', sdp: sdp('localAnswer', 'answer') } };
const remoteOfferSet: PeerEvent = { type: 'REMOTE_DESCRIPTION_SET', descriptionType: 'offer' };
const remoteAnswerSet: PeerEvent = { type: 'REMOTE_DESCRIPTION_SET', descriptionType: 'answer' };
/** The polite side's `politeOfferDelay` firing in `awaitingOffer` (its first offer waits for theirs). */
const politeOfferDue = { type: 'xstate.after.politeOfferDelay.peer.active.negotiation.awaitingOffer' } as unknown as PeerEvent;
const connection = (state: 'connecting' | 'connected' | 'disconnected' | 'failed'): PeerEvent => ({ type: 'CONNECTION_STATE_CHANGED', state });

type Input = { ownId: string; peerId: string };

/** given(facts…).when(event) → then: the next state and what was emitted, split by kind. */
function given(input: Input, ...facts: PeerEvent[]) {
  let [snapshot] = initialTransition(peerMachine, input);
  for (const fact of facts) [snapshot] = transition(peerMachine, snapshot, fact);
  return {
    snapshot,
    when(event: PeerEvent) {
      const [next, actions] = transition(peerMachine, snapshot, event);
      // Named emit actions run as built-in 'xstate.emit' actions, which the action type union does not list.
      const emitted = (actions as readonly { type: string; params?: unknown }[])
        .filter((a) => a.type === 'xstate.emit')
        .map((a) => (a.params as { event: PeerEmitted }).event);
      return {
        next,
        negotiation: region(next, 'negotiation'),
        link: region(next, 'link'),
        commands: emitted.flatMap((e) => (e.type === 'command' ? [e.command] : [])),
        signals: emitted.flatMap((e) => (e.type === 'signal' ? [e.message] : [])),
        emitted,
      };
    },
  };
}

const region = (snapshot: PeerSnapshot, name: string) =>
  typeof snapshot.value === 'object' ? (snapshot.value.active as Record<string, string> | undefined)?.[name] : snapshot.value;

describe('peer: politeness', () => {
  it('is polite exactly when its own id sorts first', () => {
    expect(given(polite).snapshot.context.polite).toBe(true);
    expect(given(impolite).snapshot.context.polite).toBe(false);
  });
});

describe('peer: making an offer', () => {
  it('negotiationneeded in stable → setLocalDescription(); the offer is sent once set', () => {
    const step1 = given(impolite).when(NEGOTIATION_NEEDED);
    expect(step1.negotiation).toBe('makingOffer');
    expect(step1.commands).toEqual([{ type: 'setLocalDescription' }]);

    const step2 = given(impolite, NEGOTIATION_NEEDED).when(localOfferSet);
    expect(step2.negotiation).toBe('haveLocalOffer');
    expect(step2.signals).toEqual([{ receiver: LOW, type: 'offer', data: { type: 'offer', sdp: sdp('localOffer') } }]);
  });

  it('an answer is applied, and stable again once it is set', () => {
    const step1 = given(impolite, NEGOTIATION_NEEDED, localOfferSet).when(answer());
    expect(step1.negotiation).toBe('applyingAnswer');
    expect(step1.commands).toEqual([{ type: 'setRemoteDescription', description: { type: 'answer', sdp: sdp('remoteAnswer', 'answer') } }]);
    const step2 = given(impolite, NEGOTIATION_NEEDED, localOfferSet, answer()).when(remoteAnswerSet);
    expect(step2.negotiation).toBe('stable');
    expect(step2.commands).toEqual([]);
  });

  it('negotiationneeded while busy is remembered and offered once stable', () => {
    const busy = given(polite, offer(), NEGOTIATION_NEEDED);
    expect(region(busy.snapshot, 'offerRequest')).toBe('queued');
    const then = given(polite, offer(), NEGOTIATION_NEEDED, remoteOfferSet).when(localAnswerSet);
    expect(then.signals.map((s) => s.type)).toEqual(['answer']);
    expect(then.negotiation).toBe('makingOffer');
    expect(then.commands).toEqual([{ type: 'setLocalDescription' }]);
    expect(region(then.next, 'offerRequest')).toBe('none');
  });

  it('a late answer while stable is dropped', () => {
    const then = given(impolite).when(answer());
    expect(then.negotiation).toBe('stable');
    expect(then.commands).toEqual([]);
  });
});

describe('peer: answering', () => {
  it('a remote offer in stable → setRemoteDescription, then setLocalDescription(), then the answer is sent', () => {
    const step1 = given(impolite).when(offer());
    expect(step1.negotiation).toBe('applyingOffer');
    expect(step1.commands).toEqual([{ type: 'setRemoteDescription', description: { type: 'offer', sdp: sdp('remoteOffer') } }]);
    const step2 = given(impolite, offer()).when(remoteOfferSet);
    expect(step2.negotiation).toBe('answering');
    expect(step2.commands).toEqual([{ type: 'setLocalDescription' }]);
    const step3 = given(impolite, offer(), remoteOfferSet).when(localAnswerSet);
    expect(step3.negotiation).toBe('stable');
    expect(step3.signals).toEqual([{ receiver: LOW, type: 'answer', data: { type: 'answer', sdp: sdp('localAnswer', 'answer') } }]);
  });

  it('an offer while our answer is being applied counts as stable (srdAnswerPending) and is accepted, even by the impolite side', () => {
    const then = given(impolite, NEGOTIATION_NEEDED, localOfferSet, answer()).when(offer());
    expect(then.negotiation).toBe('applyingOffer');
    expect(then.commands.map((c) => c.type)).toEqual(['setRemoteDescription']);
  });
});

describe('peer: glare (both sides offer at once)', () => {
  it('impolite, holding its offer: ignores the remote offer and keeps its own', () => {
    const then = given(impolite, NEGOTIATION_NEEDED, localOfferSet).when(offer('theirs'));
    expect(then.negotiation).toBe('haveLocalOffer');
    expect(then.commands).toEqual([]);
    expect(then.signals).toEqual([]);
    expect(then.next.context.ignoredOffer).toEqual({ ufrag: 'theirs' });
  });

  it('impolite, still making its offer: ignores the remote offer and still sends its own', () => {
    const ignoring = given(impolite, NEGOTIATION_NEEDED).when(offer('theirs'));
    expect(ignoring.negotiation).toBe('makingOffer');
    expect(ignoring.commands).toEqual([]);
    const then = given(impolite, NEGOTIATION_NEEDED, offer('theirs')).when(localOfferSet);
    expect(then.signals.map((s) => s.type)).toEqual(['offer']);
    expect(then.negotiation).toBe('haveLocalOffer');
  });

  it('polite, holding its offer: accepts the remote offer (implicit rollback) and answers it', () => {
    const step1 = given(polite, NEGOTIATION_NEEDED, politeOfferDue, localOfferSet).when(offer('theirs'));
    expect(step1.negotiation).toBe('applyingOffer');
    expect(step1.commands).toEqual([{ type: 'setRemoteDescription', description: { type: 'offer', sdp: sdp('theirs') } }]);
    const step2 = given(polite, NEGOTIATION_NEEDED, politeOfferDue, localOfferSet, offer('theirs')).when(remoteOfferSet);
    expect(step2.commands).toEqual([{ type: 'setLocalDescription' }]);
    const step3 = given(polite, NEGOTIATION_NEEDED, politeOfferDue, localOfferSet, offer('theirs'), remoteOfferSet).when(localAnswerSet);
    expect(step3.signals.map((s) => s.type)).toEqual(['answer']);
    expect(step3.negotiation).toBe('stable');
  });

  it('polite, still making its offer: accepts the remote offer and never sends the offer it gave up', () => {
    const step1 = given(polite, NEGOTIATION_NEEDED, politeOfferDue).when(offer('theirs'));
    expect(step1.negotiation).toBe('applyingOffer');
    expect(step1.commands.map((c) => c.type)).toEqual(['setRemoteDescription']);
    const stale = given(polite, NEGOTIATION_NEEDED, politeOfferDue, offer('theirs')).when(localOfferSet);
    expect(stale.signals).toEqual([]);
    expect(stale.commands).toEqual([]);
    expect(stale.negotiation).toBe('applyingOffer');
    const answered = given(polite, NEGOTIATION_NEEDED, politeOfferDue, offer('theirs'), localOfferSet, remoteOfferSet).when(localAnswerSet);
    expect(answered.signals.map((s) => s.type)).toEqual(['answer']);
  });

  it('polite, first negotiation: waits for their offer instead of making one, and answers it', () => {
    const waiting = given(polite).when(NEGOTIATION_NEEDED);
    expect(waiting.negotiation).toBe('awaitingOffer');
    expect(waiting.commands).toEqual([]);
    const step1 = given(polite, NEGOTIATION_NEEDED).when(offer('theirs'));
    expect(step1.negotiation).toBe('applyingOffer');
    expect(step1.commands.map((c) => c.type)).toEqual(['setRemoteDescription']);
    const answered = given(polite, NEGOTIATION_NEEDED, offer('theirs'), remoteOfferSet).when(localAnswerSet);
    expect(answered.signals.map((s) => s.type)).toEqual(['answer']);
    expect(answered.negotiation).toBe('stable');
  });

  it('polite, first negotiation: offers itself when no offer came within politeOfferDelay', () => {
    const then = given(polite, NEGOTIATION_NEEDED).when(politeOfferDue);
    expect(then.negotiation).toBe('makingOffer');
    expect(then.commands).toEqual([{ type: 'setLocalDescription' }]);
  });

  it('polite, once a remote description is set: offers at once (renegotiation, ICE restart)', () => {
    const then = given(polite, offer(), remoteOfferSet, localAnswerSet).when(NEGOTIATION_NEEDED);
    expect(then.negotiation).toBe('makingOffer');
    expect(then.commands).toEqual([{ type: 'setLocalDescription' }]);
  });

  it('impolite: offers at once, even the first time', () => {
    expect(given(impolite).when(NEGOTIATION_NEEDED).negotiation).toBe('makingOffer');
  });
});

describe('peer: switching incoming video off and on', () => {
  const off: PeerEvent = { type: 'INCOMING_VIDEO_SET', enabled: false };
  const on: PeerEvent = { type: 'INCOMING_VIDEO_SET', enabled: true };

  it('asks the connection to stop receiving video; the negotiation it causes is an ordinary offer', () => {
    const then = given(impolite).when(off);
    expect(then.commands).toEqual([{ type: 'setIncomingVideo', enabled: false }]);
    expect(then.negotiation).toBe('stable');
    expect(peerView(then.next).incomingVideo).toBe(false);
    const offering = given(impolite, off).when(NEGOTIATION_NEEDED);
    expect(offering.negotiation).toBe('makingOffer');
    expect(given(impolite, off).when(on).commands).toEqual([{ type: 'setIncomingVideo', enabled: true }]);
  });

  it('does nothing when asked for what is already so', () => {
    expect(given(impolite).when(on).commands).toEqual([]);
    expect(given(impolite, off).when(off).commands).toEqual([]);
  });

  it('in glare: the switch applies at once, and its negotiation waits for stable', () => {
    // Impolite, holding its own offer, ignoring theirs: the switch is recorded and sent to the connection …
    const during = given(impolite, NEGOTIATION_NEEDED, localOfferSet, offer('theirs')).when(off);
    expect(during.commands).toEqual([{ type: 'setIncomingVideo', enabled: false }]);
    expect(during.negotiation).toBe('haveLocalOffer');
    // … negotiationneeded is queued, and offered once the answer is in.
    const queued = given(impolite, NEGOTIATION_NEEDED, localOfferSet, offer('theirs'), off).when(NEGOTIATION_NEEDED);
    expect(region(queued.next, 'offerRequest')).toBe('queued');
    const after = given(impolite, NEGOTIATION_NEEDED, localOfferSet, offer('theirs'), off, NEGOTIATION_NEEDED, answer()).when(remoteAnswerSet);
    expect(after.negotiation).toBe('makingOffer');
    expect(after.commands).toEqual([{ type: 'setLocalDescription' }]);

    // Polite, its own offer given up for theirs: switched off while answering, offered after.
    const polite1 = given(polite, NEGOTIATION_NEEDED, offer('theirs'), off, NEGOTIATION_NEEDED, localOfferSet, remoteOfferSet).when(localAnswerSet);
    expect(polite1.signals.map((s) => s.type)).toEqual(['answer']);
    expect(polite1.negotiation).toBe('makingOffer');
    expect(peerView(polite1.next).incomingVideo).toBe(false);
  });
});

describe('peer: remote candidates', () => {
  it('queues candidates that come before any remote description and adds them once it is set', () => {
    const early = given(impolite).when(remoteCandidate(1));
    expect(early.commands).toEqual([]);
    expect(early.next.context.pendingCandidates).toEqual([candidate(1)]);

    const applying = given(impolite, remoteCandidate(1), remoteCandidate(2)).when(offer());
    expect(applying.commands.map((c) => c.type)).toEqual(['setRemoteDescription']);
    const stillEarly = given(impolite, remoteCandidate(1), remoteCandidate(2), offer()).when(remoteCandidate(3));
    expect(stillEarly.commands).toEqual([]);

    const flushed = given(impolite, remoteCandidate(1), remoteCandidate(2), offer(), remoteCandidate(3)).when(remoteOfferSet);
    expect(flushed.commands).toEqual([
      { type: 'addIceCandidate', candidate: candidate(1) },
      { type: 'addIceCandidate', candidate: candidate(2) },
      { type: 'addIceCandidate', candidate: candidate(3) },
      { type: 'setLocalDescription' },
    ] satisfies PeerCommand[]);
    expect(flushed.next.context.pendingCandidates).toEqual([]);
  });

  it('adds candidates directly once a remote description is set', () => {
    const then = given(impolite, offer(), remoteOfferSet).when(remoteCandidate(4));
    expect(then.commands).toEqual([{ type: 'addIceCandidate', candidate: candidate(4) }]);
  });

  it('drops the candidates of an ignored offer silently, and takes those of the answer that follows', () => {
    const ignoring = [NEGOTIATION_NEEDED, localOfferSet, offer('theirs')];
    for (const c of [remoteCandidate(1, 'theirs'), remoteCandidate(2)]) {
      const then = given(impolite, ...ignoring).when(c);
      expect(then.commands).toEqual([]);
      expect(then.next.context.pendingCandidates).toEqual([]);
      expect(then.next.context.droppedCandidates).toBe(1);
    }
    const answered = [...ignoring, remoteCandidate(1, 'theirs'), answer('answerUfrag')];
    expect(given(impolite, ...answered).snapshot.context.ignoredOffer).toBeNull();
    const then = given(impolite, ...answered, remoteAnswerSet).when(remoteCandidate(5, 'answerUfrag'));
    expect(then.commands).toEqual([{ type: 'addIceCandidate', candidate: candidate(5, 'answerUfrag') }]);
  });

  it('keeps a candidate with another ufrag while ignoring (it belongs to the current description)', () => {
    const then = given(impolite, offer('first'), remoteOfferSet, localAnswerSet, NEGOTIATION_NEEDED, localOfferSet, offer('restart')).when(
      remoteCandidate(6, 'first'),
    );
    expect(then.commands).toEqual([{ type: 'addIceCandidate', candidate: candidate(6, 'first') }]);
  });
});

describe('peer: failures', () => {
  it('a failed setRemoteDescription(offer) rolls back to stable and is recorded', () => {
    const then = given(impolite, offer()).when({ type: 'OPERATION_FAILED', command: 'setRemoteDescription', descriptionType: 'offer', message: 'bad sdp' });
    expect(then.negotiation).toBe('stable');
    expect(then.commands).toEqual([{ type: 'rollback' }]);
    expect(then.next.context.lastError).toEqual({ command: 'setRemoteDescription', message: 'bad sdp' });
  });

  it('a failed candidate is counted, nothing else', () => {
    const then = given(impolite, offer(), remoteOfferSet).when({ type: 'OPERATION_FAILED', command: 'addIceCandidate', message: 'no' });
    expect(then.negotiation).toBe('answering');
    expect(then.commands).toEqual([]);
    expect(then.next.context.failedCandidates).toBe(1);
    expect(then.next.context.lastError).toBeNull();
  });
});

describe('peer: local candidates, link and leaving', () => {
  it('sends each gathered candidate to the peer', () => {
    const then = given(polite).when({ type: 'ICE_CANDIDATE_GATHERED', candidate: candidate(7, 'mine') });
    expect(then.signals).toEqual([{ receiver: HIGH, type: 'icecandidate', data: candidate(7, 'mine') }] satisfies PeerSignal[]);
  });

  it('connected → reads the selected candidate pair', () => {
    const then = given(polite).when(connection('connected'));
    expect(then.link).toBe('connected');
    expect(then.commands).toEqual([{ type: 'readStats' }]);
    const read = given(polite, connection('connected')).when({
      type: 'STATS_READ',
      candidatePair: { local: 'relay', remote: 'host', protocol: 'udp' },
    });
    expect(peerView(read.next).candidatePair).toEqual({ local: 'relay', remote: 'host', protocol: 'udp' });
  });

  it('failed (impolite) → asks for fresh ICE servers, then setConfiguration and restartIce', () => {
    const failed = given(impolite, connection('connected')).when(connection('failed'));
    expect(failed.link).toBe('refreshingIceServers');
    expect(failed.emitted).toContainEqual({ type: 'iceServersWanted' });
    expect(failed.commands).toEqual([]);
    const iceServers = [{ urls: ['stun:127.0.0.1:3478'] }];
    const restart = given(impolite, connection('connected'), connection('failed')).when({ type: 'ICE_SERVERS_CHANGED', iceServers });
    expect(restart.link).toBe('restartingIce');
    expect(restart.commands).toEqual([{ type: 'setConfiguration', iceServers }, { type: 'restartIce' }]);
  });

  it('failed (polite) → waits: the impolite side restarts first', () => {
    const failed = given(polite, connection('connected')).when(connection('failed'));
    expect(failed.link).toBe('failed');
    expect(failed.emitted).toEqual([]);
    // The impolite side's restart offer arrives; it is answered like any offer and the link recovers.
    const recovering = given(polite, connection('connected'), connection('failed')).when(offer('restarted'));
    expect(recovering.commands.map((c) => c.type)).toEqual(['setRemoteDescription']);
    const back = given(polite, connection('connected'), connection('failed'), offer('restarted')).when(connection('connecting'));
    expect(back.link).toBe('pending');
  });

  it('PEER_LEFT → close, and the machine is done', () => {
    const then = given(polite, connection('connected')).when({ type: 'PEER_LEFT' });
    expect(then.commands).toEqual([{ type: 'close' }]);
    expect(then.next.status).toBe('done');
    expect(peerView(then.next).closed).toBe(true);
  });

  it('keeps the states RTCPeerConnection reports, and its remote streams, for the UI', () => {
    const s = given(
      polite,
      { type: 'SIGNALING_STATE_CHANGED', state: 'have-remote-offer' },
      { type: 'ICE_CONNECTION_STATE_CHANGED', state: 'checking' },
      connection('connecting'),
      { type: 'STREAMS_CHANGED', streamIds: ['s1'] },
    ).snapshot;
    expect(peerView(s)).toMatchObject({
      signalingState: 'have-remote-offer',
      iceConnectionState: 'checking',
      connectionState: 'connecting',
      remoteStreamIds: ['s1'],
      polite: true,
    });
  });
});

describe('peer: timers (SimulatedClock)', () => {
  function startPeer(input: Input) {
    const clock = new SimulatedClock();
    const actor = createActor(peerMachine, { input, clock });
    const emitted: PeerEmitted[] = [];
    actor.on('*', (e) => emitted.push(e));
    actor.start();
    return { actor, clock, emitted, commands: () => emitted.flatMap((e) => (e.type === 'command' ? [e.command.type] : [])) };
  }

  it('polite side restarts ICE itself if still failed after politeRestartDelay', () => {
    const p = startPeer(polite);
    p.actor.send(connection('connected'));
    p.actor.send(connection('failed'));
    p.clock.increment(4_999);
    expect(p.emitted).not.toContainEqual({ type: 'iceServersWanted' });
    p.clock.increment(1);
    expect(p.emitted).toContainEqual({ type: 'iceServersWanted' });
    p.clock.increment(3_000); // no ice-servers reply: restart with what we have
    expect(p.commands().at(-1)).toBe('restartIce');
  });

  it('no answer within answerTimeout: roll back and offer again', () => {
    const p = startPeer(impolite);
    p.actor.send(NEGOTIATION_NEEDED);
    p.actor.send(localOfferSet);
    p.clock.increment(15_000);
    expect(p.commands()).toEqual(['setLocalDescription', 'rollback', 'setLocalDescription']);
    expect(region(p.actor.getSnapshot(), 'negotiation')).toBe('makingOffer');
  });

  it('ICE that never connects within connectTimeout is restarted like a failure, once a remote description is set', () => {
    const idle = startPeer(impolite);
    idle.clock.increment(60_000);
    expect(region(idle.actor.getSnapshot(), 'link')).toBe('pending');

    const p = startPeer(impolite);
    p.actor.send(offer());
    p.actor.send(remoteOfferSet);
    p.clock.increment(15_000);
    expect(region(p.actor.getSnapshot(), 'link')).toBe('refreshingIceServers');
    p.clock.increment(3_000);
    expect(p.commands().at(-1)).toBe('restartIce');
    p.clock.increment(15_000); // the restart did not connect either: try again
    expect(p.commands().filter((c) => c === 'restartIce')).toHaveLength(1);
    p.clock.increment(3_000);
    expect(p.commands().filter((c) => c === 'restartIce')).toHaveLength(2);
  });

  it('re-reads stats while connected', () => {
    const p = startPeer(polite);
    p.actor.send(connection('connected'));
    p.clock.increment(10_000);
    p.clock.increment(10_000);
    expect(p.commands()).toEqual(['readStats', 'readStats', 'readStats']);
  });
});

describe('ufragOf', () => {
  it('finds the first a=ice-ufrag', () => {
    expect(ufragOf('v=0\r\nm=audio 9 UDP 0\r\na=ice-ufrag:AbC+/1\r\na=ice-ufrag:zzz\r\n')).toBe('AbC+/1');
    expect(ufragOf('v=0\r\n')).toBeNull();
  });
});
