/**
 * An audio level (0–1, linear, as RTP's audio-level header and Web Audio's RMS give it) at or above
 * which a feed counts as speaking: about −40 dBov, above the noise a suppressed microphone lets through.
 */
export const SPEAKING_LEVEL = 0.01;

/** How long a feed stays marked after its last loud moment: speech has gaps between syllables and words. */
export const SPEAKING_HOLD_MS = 500;

/**
 * Who is speaking, from audio levels read at intervals: a feed is marked from the first level at or
 * above SPEAKING_LEVEL until SPEAKING_HOLD_MS after the last one.
 */
export class SpeakingTracker {
  readonly #loudAt = new Map<string, number>();
  #speaking: ReadonlySet<string> = new Set();

  /** The feeds speaking at `now` (ms); the same set as before when nothing changed, so it can be compared by identity. */
  update(levels: ReadonlyMap<string, number>, now: number): ReadonlySet<string> {
    const speaking = new Set<string>();
    for (const [key, level] of levels) {
      if (level >= SPEAKING_LEVEL) this.#loudAt.set(key, now);
      const loudAt = this.#loudAt.get(key);
      if (loudAt !== undefined && now - loudAt < SPEAKING_HOLD_MS) speaking.add(key);
    }
    for (const key of this.#loudAt.keys()) if (!levels.has(key)) this.#loudAt.delete(key);
    const same = speaking.size === this.#speaking.size && [...speaking].every((key) => this.#speaking.has(key));
    if (!same) this.#speaking = speaking;
    return this.#speaking;
  }
}
