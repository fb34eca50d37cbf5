/** Distinct exit codes, so scripts can tell what went wrong without parsing the message. */
export const ExitCode = {
  ok: 0,
  /** The log replayed, but a self-check failed: a rejected event, a gap, or (with --server) a live state that differs from the replay. */
  inconsistent: 1,
  usage: 2,
  unknownRoom: 3,
  emptyLog: 4,
  corruptRow: 5,
  cannotOpen: 6,
  /** --inspect was given, but no inspector answered at that URL. */
  cannotInspect: 7,
  /** --server was given, but the server cannot be asked: unreachable, its debug pages off, or the token refused. */
  cannotReachServer: 8,
} as const;
