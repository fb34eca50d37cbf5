/**
 * Bounds on what a client may send. Real SDP is 5–15 kB; the rest leave room for any honest client
 * while keeping a hostile one from making us store or relay much.
 */
export const limits = {
  /** Whole websocket frame; larger frames are closed by ws with 1009. */
  frameBytes: 64 * 1024,
  sdpChars: 32 * 1024,
  candidateChars: 1024,
  chatChars: 4 * 1024,
  usernameChars: 64,
  greetingChars: 1024,
  /** Nesting of objects/arrays in a frame; the deepest honest message (text) has 2. */
  depth: 4,
} as const;
