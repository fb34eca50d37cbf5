import { and, assign, emit, enqueueActions, not, setup, stateIn, type SnapshotFrom } from 'xstate';
import type { Candidate } from '$protocol/outbound.ts';
import type { PeerCommand, PeerContext, PeerEmitted, PeerEvent, PeerInput } from './peer-events.ts';

/**
 * One remote person (machine id `peer`): perfect negotiation after the strict webrtc/samples
 * version, with every flag of that sample turned into a state. Pure: it never touches
 * RTCPeerConnection. It emits `command`s that peer-connection.ts runs one at a time, in order, and
 * that module reports each result back as an event, so an inbound message is handled exactly once
 * and strictly in order.
 *
 * Politeness: `polite = ownId < peerId` (plain string comparison of the 32-hex ids), so of any
 * two people exactly one is polite, and both compute the same answer without talking.
 *
 * `active` runs five regions in parallel:
 * - `negotiation` (what the sample keeps in makingOffer / ignoreOffer / srdAnswerPending):
 *   `stable` → NEGOTIATION_NEEDED → `makingOffer` (setLocalDescription()) → `haveLocalOffer` (offer
 *   sent) → answer → `applyingAnswer` → `stable`; a remote offer → `applyingOffer` → `answering`
 *   (setLocalDescription() makes the answer) → `stable`. The polite side's first NEGOTIATION_NEEDED
 *   (no remote description yet) goes to `awaitingOffer` instead: it answers the impolite side's
 *   offer, or offers itself after `politeOfferDelay` (see that state for why).
 *   An offer that collides (we are making or holding an offer, or still answering, and are not
 *   `stable` or `applyingAnswer`): the impolite side ignores it and keeps its own; the polite side
 *   applies it (setRemoteDescription rolls its own offer back implicitly) and answers. A local
 *   offer that finishes after the polite side gave it up is not sent.
 *   No answer within `answerTimeout` (lost while signaling was down): roll back and offer again.
 * - `offerRequest`: `none` | `queued` — NEGOTIATION_NEEDED that came while busy; offered on `stable`.
 * - `remoteDescription`: `absent` | `present`. Candidates that arrive while `absent` are queued in
 *   context and added once the first remote description is set. Candidates for an offer we ignored
 *   (same ufrag, or no ufrag, while the ignore lasts) are dropped silently.
 * - `link`: `pending` → `connected` → … follows connectionState. `connected` reads the selected
 *   candidate pair now and every `statsInterval`. `failed` (or `pending` / `restartingIce` for
 *   `connectTimeout` with a remote description set): the impolite side restarts at once, the
 *   polite side only if still failed after `politeRestartDelay` (so both do not restart into glare);
 *   a restart first asks for fresh ICE servers (`iceServersWanted`, up to `iceServersTimeout`), then
 *   pc.restartIce(), which fires negotiationneeded and goes through the negotiation above.
 * Then `closed` (final) on PEER_LEFT: the connection is closed.
 *
 * Events: from the room DESCRIPTION_RECEIVED, CANDIDATE_RECEIVED, ICE_SERVERS_CHANGED, INCOMING_VIDEO_SET
 * (the person here switched this peer's video off or on: a `setIncomingVideo` command, whose
 * direction change fires negotiationneeded and so goes through `negotiation` like any offer), PEER_LEFT;
 * from peer-connection.ts the ConnectionEvent union (peer-events.ts).
 * Emitted: `command` (for peer-connection.ts), `signal` (a frame for the signaling SEND),
 * `iceServersWanted` (the room sends get-ice-servers and forwards the reply as ICE_SERVERS_CHANGED).
 */

/** The ICE username fragment of a description (BUNDLE: the first one stands for all). */
export function ufragOf(sdp: string): string | null {
  return /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1] ?? null;
}

const command = (c: PeerCommand) => ({ type: 'command' as const, command: c });
const stateIs = (path: string) => stateIn(`#peer.active.${path}`);

export const peerMachine = setup({
  types: {
    input: {} as PeerInput,
    context: {} as PeerContext,
    events: {} as PeerEvent,
    emitted: {} as PeerEmitted,
  },
  guards: {
    isImpolite: ({ context }) => !context.polite,
    isOffer: ({ event }) => event.type === 'DESCRIPTION_RECEIVED' && event.description.type === 'offer',
    isAnswer: ({ event }) => event.type === 'DESCRIPTION_RECEIVED' && event.description.type === 'answer',
    isLocalOffer: ({ event }) => event.type === 'LOCAL_DESCRIPTION_SET' && event.description.type === 'offer',
    isLocalAnswer: ({ event }) => event.type === 'LOCAL_DESCRIPTION_SET' && event.description.type === 'answer',
    isRemoteOffer: ({ event }) => event.type === 'REMOTE_DESCRIPTION_SET' && event.descriptionType === 'offer',
    isRemoteAnswer: ({ event }) => event.type === 'REMOTE_DESCRIPTION_SET' && event.descriptionType === 'answer',
    localDescriptionFailed: ({ event }) => event.type === 'OPERATION_FAILED' && event.command === 'setLocalDescription',
    remoteOfferFailed: ({ event }) =>
      event.type === 'OPERATION_FAILED' && event.command === 'setRemoteDescription' && event.descriptionType === 'offer',
    remoteAnswerFailed: ({ event }) =>
      event.type === 'OPERATION_FAILED' && event.command === 'setRemoteDescription' && event.descriptionType === 'answer',
    /** Offers are only ever made from `stable`; elsewhere the request waits. */
    isNegotiating: not(stateIs('negotiation.stable')),
    hasQueuedOffer: stateIs('offerRequest.queued'),
    isMakingOffer: stateIs('negotiation.makingOffer'),
    hasRemoteDescription: stateIs('remoteDescription.present'),
    isFirstPoliteOffer: and([not('isImpolite'), not('hasRemoteDescription')]),
    belongsToIgnoredOffer: ({ context, event }) => {
      if (event.type !== 'CANDIDATE_RECEIVED' || context.ignoredOffer === null) return false;
      const ufrag = event.candidate.usernameFragment;
      return ufrag == null || context.ignoredOffer.ufrag === null || ufrag === context.ignoredOffer.ufrag;
    },
    changesIncomingVideo: ({ context, event }) => event.type === 'INCOMING_VIDEO_SET' && event.enabled !== context.incomingVideo,
    isConnected: ({ event }) => event.type === 'CONNECTION_STATE_CHANGED' && event.state === 'connected',
    isFailed: ({ event }) => event.type === 'CONNECTION_STATE_CHANGED' && event.state === 'failed',
    isNotConnected: ({ event }) =>
      event.type === 'CONNECTION_STATE_CHANGED' && (event.state === 'new' || event.state === 'connecting' || event.state === 'disconnected'),
  },
  actions: {
    setLocalDescription: emit(command({ type: 'setLocalDescription' })),
    /** Applies a remote offer or answer; whatever was being ignored is over. */
    acceptDescription: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'DESCRIPTION_RECEIVED') return;
      enqueue.assign({ ignoredOffer: null });
      enqueue.emit(command({ type: 'setRemoteDescription', description: event.description }));
    }),
    ignoreOffer: assign(({ event }) => ({
      ignoredOffer: { ufrag: event.type === 'DESCRIPTION_RECEIVED' ? ufragOf(event.description.sdp) : null },
    })),
    rollback: emit(command({ type: 'rollback' })),
    queueCandidate: assign(({ context, event }) =>
      event.type === 'CANDIDATE_RECEIVED' ? { pendingCandidates: [...context.pendingCandidates, event.candidate] } : {},
    ),
    addIceCandidate: emit(({ event }) => {
      if (event.type !== 'CANDIDATE_RECEIVED') throw new Error(`addIceCandidate on ${event.type}`);
      return command({ type: 'addIceCandidate', candidate: event.candidate });
    }),
    flushCandidates: enqueueActions(({ context, enqueue }) => {
      for (const candidate of context.pendingCandidates) enqueue.emit(command({ type: 'addIceCandidate', candidate }));
      enqueue.assign({ pendingCandidates: [] });
    }),
    dropCandidate: assign(({ context }) => ({ droppedCandidates: context.droppedCandidates + 1 })),
    sendLocalDescription: emit(({ context, event }) => {
      if (event.type !== 'LOCAL_DESCRIPTION_SET') throw new Error(`sendLocalDescription on ${event.type}`);
      const { type, sdp } = event.description;
      const message = type === 'offer'
        ? ({ receiver: context.peerId, type: 'offer', data: { type: 'offer', sdp } } as const)
        : ({ receiver: context.peerId, type: 'answer', data: { type: 'answer', sdp } } as const);
      return { type: 'signal' as const, message };
    }),
    sendCandidate: emit(({ context, event }) => {
      if (event.type !== 'ICE_CANDIDATE_GATHERED') throw new Error(`sendCandidate on ${event.type}`);
      return { type: 'signal' as const, message: { receiver: context.peerId, type: 'icecandidate' as const, data: event.candidate } };
    }),
    restartIce: emit(command({ type: 'restartIce' })),
    requestIceServers: emit({ type: 'iceServersWanted' }),
    setConfiguration: emit(({ event }) => {
      if (event.type !== 'ICE_SERVERS_CHANGED') throw new Error(`setConfiguration on ${event.type}`);
      return command({ type: 'setConfiguration', iceServers: event.iceServers });
    }),
    /** Only records the wish and tells the connection; the negotiation it causes comes back as NEGOTIATION_NEEDED. */
    setIncomingVideo: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'INCOMING_VIDEO_SET') return;
      enqueue.assign({ incomingVideo: event.enabled });
      enqueue.emit(command({ type: 'setIncomingVideo', enabled: event.enabled }));
    }),
    readStats: emit(command({ type: 'readStats' })),
    closeConnection: emit(command({ type: 'close' })),
    assignError: assign(({ context, event }) => {
      if (event.type !== 'OPERATION_FAILED') return {};
      if (event.command === 'addIceCandidate') return { failedCandidates: context.failedCandidates + 1 };
      return { lastError: { command: event.command, message: event.message } };
    }),
    assignConnectionState: assign(({ event }) => (event.type === 'CONNECTION_STATE_CHANGED' ? { connectionState: event.state } : {})),
    assignIceConnectionState: assign(({ event }) =>
      event.type === 'ICE_CONNECTION_STATE_CHANGED' ? { iceConnectionState: event.state } : {},
    ),
    assignSignalingState: assign(({ event }) => (event.type === 'SIGNALING_STATE_CHANGED' ? { signalingState: event.state } : {})),
    assignStreams: assign(({ event }) => (event.type === 'STREAMS_CHANGED' ? { remoteStreamIds: [...event.streamIds] } : {})),
    assignCandidatePair: assign(({ event }) => (event.type === 'STATS_READ' ? { candidatePair: event.candidatePair } : {})),
  },
  delays: {
    answerTimeout: 15_000,
    connectTimeout: 15_000,
    statsInterval: 10_000,
    politeRestartDelay: 5_000,
    politeOfferDelay: 1_500,
    iceServersTimeout: 3_000,
  },
}).createMachine({
  id: 'peer',
  context: ({ input }) => ({
    ownId: input.ownId,
    peerId: input.peerId,
    polite: input.ownId < input.peerId,
    pendingCandidates: [],
    ignoredOffer: null,
    droppedCandidates: 0,
    failedCandidates: 0,
    connectionState: 'new',
    iceConnectionState: 'new',
    signalingState: 'stable',
    remoteStreamIds: [],
    incomingVideo: true,
    candidatePair: null,
    lastError: null,
  }),
  initial: 'active',
  states: {
    active: {
      type: 'parallel',
      on: {
        PEER_LEFT: '#peer.closed',
        ICE_CANDIDATE_GATHERED: { actions: 'sendCandidate' },
        ICE_CONNECTION_STATE_CHANGED: { actions: 'assignIceConnectionState' },
        SIGNALING_STATE_CHANGED: { actions: 'assignSignalingState' },
        STREAMS_CHANGED: { actions: 'assignStreams' },
        STATS_READ: { actions: 'assignCandidatePair' },
        INCOMING_VIDEO_SET: { guard: 'changesIncomingVideo', actions: 'setIncomingVideo' },
      },
      states: {
        negotiation: {
          initial: 'stable',
          // Regions preempt their parallel parent, so failures are recorded here, in every state.
          on: { OPERATION_FAILED: { actions: 'assignError' } },
          states: {
            stable: {
              always: { guard: 'hasQueuedOffer', target: 'makingOffer' },
              on: {
                NEGOTIATION_NEEDED: [{ guard: 'isFirstPoliteOffer', target: 'awaitingOffer' }, { target: 'makingOffer' }],
                // An answer while stable is a late one for an offer we rolled back: dropped.
                DESCRIPTION_RECEIVED: { guard: 'isOffer', target: 'applyingOffer', actions: 'acceptDescription' },
              },
            },
            /**
             * The polite side's first offer waits for the impolite side's (both sides usually add their
             * tracks at once, so glare is the rule). Chromium can leave a connection whose fresh offer is
             * rolled back never gathering a candidate, for good (2 of 50 three-person calls here,
             * despite the warm-up in peer-connection.ts); answering instead of rolling back avoids it.
             * A peer that sends nothing never offers: then we offer after `politeOfferDelay`.
             */
            awaitingOffer: {
              after: { politeOfferDelay: 'makingOffer' },
              on: {
                DESCRIPTION_RECEIVED: { guard: 'isOffer', target: 'applyingOffer', actions: 'acceptDescription' },
              },
            },
            makingOffer: {
              entry: 'setLocalDescription',
              on: {
                LOCAL_DESCRIPTION_SET: { guard: 'isLocalOffer', target: 'haveLocalOffer', actions: 'sendLocalDescription' },
                OPERATION_FAILED: { guard: 'localDescriptionFailed', target: 'stable', actions: 'assignError' },
                DESCRIPTION_RECEIVED: [
                  { guard: and(['isOffer', 'isImpolite']), actions: 'ignoreOffer' },
                  // Polite: setRemoteDescription(offer) rolls our offer back; it is never sent.
                  { guard: 'isOffer', target: 'applyingOffer', actions: 'acceptDescription' },
                ],
              },
            },
            haveLocalOffer: {
              after: { answerTimeout: { target: 'makingOffer', actions: 'rollback' } },
              on: {
                DESCRIPTION_RECEIVED: [
                  { guard: 'isAnswer', target: 'applyingAnswer', actions: 'acceptDescription' },
                  { guard: 'isImpolite', actions: 'ignoreOffer' },
                  { target: 'applyingOffer', actions: 'acceptDescription' },
                ],
              },
            },
            applyingAnswer: {
              on: {
                REMOTE_DESCRIPTION_SET: { guard: 'isRemoteAnswer', target: 'stable' },
                OPERATION_FAILED: { guard: 'remoteAnswerFailed', target: 'stable', actions: ['assignError', 'rollback'] },
                // Counts as stable (the sample's srdAnswerPending): the offer is applied after the answer.
                DESCRIPTION_RECEIVED: { guard: 'isOffer', target: 'applyingOffer', actions: 'acceptDescription' },
              },
            },
            applyingOffer: {
              on: {
                // A local offer finishing now is the one the polite side just gave up: not sent.
                REMOTE_DESCRIPTION_SET: { guard: 'isRemoteOffer', target: 'answering' },
                OPERATION_FAILED: { guard: 'remoteOfferFailed', target: 'stable', actions: ['assignError', 'rollback'] },
                DESCRIPTION_RECEIVED: [
                  { guard: and(['isOffer', 'isImpolite']), actions: 'ignoreOffer' },
                  { guard: 'isOffer', actions: 'acceptDescription' },
                ],
              },
            },
            answering: {
              entry: 'setLocalDescription',
              on: {
                LOCAL_DESCRIPTION_SET: { guard: 'isLocalAnswer', target: 'stable', actions: 'sendLocalDescription' },
                OPERATION_FAILED: { guard: 'localDescriptionFailed', target: 'stable', actions: ['assignError', 'rollback'] },
                DESCRIPTION_RECEIVED: [
                  { guard: and(['isOffer', 'isImpolite']), actions: 'ignoreOffer' },
                  { guard: 'isOffer', target: 'applyingOffer', actions: 'acceptDescription' },
                ],
              },
            },
          },
        },
        offerRequest: {
          initial: 'none',
          states: {
            none: { on: { NEGOTIATION_NEEDED: { guard: 'isNegotiating', target: 'queued' } } },
            queued: { always: { guard: 'isMakingOffer', target: 'none' } },
          },
        },
        remoteDescription: {
          initial: 'absent',
          states: {
            absent: {
              on: {
                CANDIDATE_RECEIVED: [{ guard: 'belongsToIgnoredOffer', actions: 'dropCandidate' }, { actions: 'queueCandidate' }],
                REMOTE_DESCRIPTION_SET: { target: 'present', actions: 'flushCandidates' },
              },
            },
            present: {
              on: {
                CANDIDATE_RECEIVED: [{ guard: 'belongsToIgnoredOffer', actions: 'dropCandidate' }, { actions: 'addIceCandidate' }],
              },
            },
          },
        },
        link: {
          initial: 'pending',
          on: {
            CONNECTION_STATE_CHANGED: { actions: 'assignConnectionState' },
            ICE_SERVERS_CHANGED: { actions: 'setConfiguration' },
          },
          states: {
            pending: {
              // ICE that never connects (connectionState can sit at 'new' for good when no candidate
              // arrives) is treated like 'failed', once a remote description makes it worth trying.
              after: {
                connectTimeout: [
                  { guard: 'hasRemoteDescription', target: 'failed' },
                  { target: 'pending', reenter: true },
                ],
              },
              on: {
                CONNECTION_STATE_CHANGED: [
                  { guard: 'isConnected', target: 'connected', actions: 'assignConnectionState' },
                  { guard: 'isFailed', target: 'failed', actions: 'assignConnectionState' },
                ],
              },
            },
            connected: {
              entry: 'readStats',
              after: { statsInterval: { target: 'connected', reenter: true } },
              on: {
                CONNECTION_STATE_CHANGED: [
                  { guard: 'isFailed', target: 'failed', actions: 'assignConnectionState' },
                  { guard: 'isNotConnected', target: 'pending', actions: 'assignConnectionState' },
                ],
              },
            },
            failed: {
              always: { guard: 'isImpolite', target: 'refreshingIceServers' },
              after: { politeRestartDelay: 'refreshingIceServers' },
              on: {
                CONNECTION_STATE_CHANGED: [
                  { guard: 'isConnected', target: 'connected', actions: 'assignConnectionState' },
                  { guard: 'isNotConnected', target: 'pending', actions: 'assignConnectionState' },
                ],
              },
            },
            refreshingIceServers: {
              entry: 'requestIceServers',
              after: { iceServersTimeout: 'restartingIce' },
              on: {
                ICE_SERVERS_CHANGED: { target: 'restartingIce', actions: 'setConfiguration' },
                CONNECTION_STATE_CHANGED: { guard: 'isConnected', target: 'connected', actions: 'assignConnectionState' },
              },
            },
            restartingIce: {
              entry: 'restartIce',
              after: { connectTimeout: 'failed' },
              on: {
                CONNECTION_STATE_CHANGED: [
                  { guard: 'isConnected', target: 'connected', actions: 'assignConnectionState' },
                  { guard: 'isFailed', target: 'failed', actions: 'assignConnectionState' },
                ],
              },
            },
          },
        },
      },
    },
    closed: {
      type: 'final',
      entry: 'closeConnection',
    },
  },
});

export type PeerMachine = typeof peerMachine;
export type PeerSnapshot = SnapshotFrom<PeerMachine>;
