/**
 * The documented exit codes of every parallax command.
 */
export const EXIT = {
  /** The compared variants agree on every recording. */
  agree: 0,
  /** At least one recording diverges. */
  diverge: 1,
  /** Usage or input error: unknown flag, missing file, invalid scenario or recording file. */
  usage: 2,
  /** A replay could not produce a trustworthy result: unrecorded call, determinism violation, timeout, crash. */
  replayFailed: 3,
  /** An unexpected internal error (a bug in parallax). */
  internal: 4,
  /** `parallax scan` found a secret in the recordings. */
  secretFound: 5,
} as const

export const EXIT_CODES_HELP = `Exit codes:
  0  the variants agree on every recording
  1  at least one recording diverges
  2  usage or input error (unknown flag, missing file, invalid scenario or recording)
  3  a replay failed (unrecorded outbound call, determinism violation, stage timeout, crash)
  4  unexpected internal error (a bug in parallax: please report it)
  5  parallax scan found a secret in the recordings`
