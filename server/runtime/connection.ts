/** What the host needs of a client's socket; the gateway implements it over `ws`. */
export interface Connection {
  /**
   * Sends one text frame of the given message type, as a string or as its UTF-8 bytes (a frame sent to
   * many is encoded once); a connection that cannot keep up closes itself instead of queueing without bound.
   */
  send(frame: string | Buffer, type: string): void;
  close(code: number, reason: string): void;
}

/** Close codes the host uses. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  /** Another socket of the same client took over (our pick, in the 4000–4999 application range). */
  replaced: 4001,
  /** The client's seat is gone (left or timed out); it must be admitted again. */
  notAMember: 4003,
} as const;
