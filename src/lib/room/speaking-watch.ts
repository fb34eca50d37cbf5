import { OWN_FEED } from './feed-order.ts';
import { LevelMeter } from './level-meter.ts';
import { SpeakingTracker } from './speaking.ts';

/** Ten times a second: quick enough to follow a conversation, and a few microseconds a feed each time. */
const POLL_MS = 100;

/**
 * Where the own voice is counted while the microphone is switched off: not a feed (nobody hears it),
 * but worth telling the person.
 */
export const MUTED_SELF = 'muted-self';

/** What is read for each remote person: their id, and how loud they are now. */
export interface Audible {
  readonly id: string;
  readonly connection: { audioLevel(): number };
}

/**
 * Reads who is speaking until the returned function is called: the own microphone (`ownAudio`, keyed
 * OWN_FEED, or MUTED_SELF while it is switched off) through a level meter, and each person `peers()`
 * gives from their packets. `onchange` hears each new set of speaking keys.
 */
export function watchSpeaking(ownAudio: MediaStreamTrack | null, peers: () => readonly Audible[], onchange: (speaking: ReadonlySet<string>) => void): () => void {
  // A clone keeps hearing the microphone while the track sent is disabled (muted), which reads silence.
  const listening = ownAudio?.clone() ?? null;
  if (listening) listening.enabled = true;
  const meter = listening ? new LevelMeter(new MediaStream([listening])) : null;
  const tracker = new SpeakingTracker();
  let last: ReadonlySet<string> | undefined;
  const timer = setInterval(() => {
    const levels = new Map<string, number>();
    if (meter && ownAudio) levels.set(ownAudio.enabled ? OWN_FEED : MUTED_SELF, meter.level());
    for (const peer of peers()) levels.set(peer.id, peer.connection.audioLevel());
    const speaking = tracker.update(levels, performance.now());
    if (speaking !== last) onchange((last = speaking));
  }, POLL_MS);
  return () => {
    clearInterval(timer);
    meter?.close();
    listening?.stop();
  };
}
