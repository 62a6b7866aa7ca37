/**
 * Typed errors with stable codes. Match on `code`, never on `instanceof`: errors cross worker and
 * process boundaries and arrive as copies (see STYLE.md, "Errors").
 */

/** Every error code parallax raises, with the CLI exit code it maps to. */
export const ERROR_CODES = {
  /** A recording file or line does not match the format (bad JSON, wrong field, wrong version, too deep, too big). */
  PARALLAX_RECORDING_INVALID: { exit: 2 },
  /** A recording path, scenario path or pipeline module does not exist. */
  PARALLAX_NOT_FOUND: { exit: 2 },
  /** The command line or a scenario is wrong: unknown flag, missing argument, bad variant name. */
  PARALLAX_USAGE: { exit: 2 },
  /** During replay the code under test made an outbound call the recording does not hold. */
  PARALLAX_OUTBOUND_UNMATCHED: { exit: 3 },
  /** During replay the code under test read a nondeterminism source parallax does not control. */
  PARALLAX_DETERMINISM_VIOLATION: { exit: 3 },
  /** A stage exceeded its timeout (it hung). */
  PARALLAX_STAGE_TIMEOUT: { exit: 3 },
  /** A stage threw. Inside a trace this is an output, compared like any other; it is raised only for setup. */
  PARALLAX_STAGE_FAILED: { exit: 3 },
  /** The isolate (worker thread or child process) running a variant crashed or exited early. */
  PARALLAX_ISOLATE_CRASHED: { exit: 3 },
  /** A replay ran but proves nothing: no stage ran, no recorded call was consumed, no result was written. */
  PARALLAX_VACUOUS_REPLAY: { exit: 3 },
  /** A pipeline definition is malformed (empty, duplicate stage names). */
  PARALLAX_PIPELINE_INVALID: { exit: 2 },
  /** Writing a recording, trace or report failed. */
  PARALLAX_WRITE_FAILED: { exit: 2 },
} as const satisfies Record<string, { exit: number }>

export type ParallaxErrorCode = keyof typeof ERROR_CODES

export interface ParallaxErrorOptions {
  /** What the user should do next. */
  hint?: string
  cause?: unknown
  /** Structured facts for reports and `--json` (file, line, field, request, closest match…). */
  details?: Record<string, unknown>
}

/**
 * The one error class parallax throws.
 * @example
 * throw new ParallaxError('PARALLAX_NOT_FOUND', 'Failed to load scenario scenarios/x.ts: no such file.', {
 *   hint: 'List the scenarios with `ls scenarios/`.',
 * })
 */
export class ParallaxError extends Error {
  readonly code: ParallaxErrorCode
  readonly hint: string | undefined
  readonly details: Record<string, unknown> | undefined

  constructor(code: ParallaxErrorCode, message: string, options: ParallaxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ParallaxError'
    this.code = code
    this.hint = options.hint
    this.details = options.details
  }
}

/** True when `error` carries a parallax code, whichever realm or copy it came from. */
export function isParallaxError(error: unknown, code?: ParallaxErrorCode): error is ParallaxError {
  if (typeof error !== 'object' || error === null) return false
  const candidate = (error as { code?: unknown }).code
  if (typeof candidate !== 'string' || !Object.hasOwn(ERROR_CODES, candidate)) return false
  return code === undefined || candidate === code
}

/** The plain-data form of an error, safe to post across a worker or process boundary and to print as JSON. */
export interface SerializedError {
  name: string
  message: string
  code?: string
  hint?: string
  stack?: string
  details?: Record<string, unknown>
  cause?: SerializedError
}

/**
 * Turns any thrown value into plain data (name, code, message, hint, stack, cause), as vitest's `processError` does.
 * @example serializeError(new ParallaxError('PARALLAX_USAGE', 'Failed to parse flags: unknown flag --x.'))
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (typeof error !== 'object' || error === null) {
    return { name: 'NonError', message: String(error) }
  }
  const source = error as Partial<ParallaxError> & { cause?: unknown }
  const out: SerializedError = {
    name: typeof source.name === 'string' ? source.name : 'Error',
    message: typeof source.message === 'string' ? source.message : String(error),
  }
  if (typeof source.code === 'string') out.code = source.code
  if (typeof source.hint === 'string') out.hint = source.hint
  if (typeof source.stack === 'string') out.stack = source.stack
  if (source.details !== undefined) out.details = source.details
  if (source.cause !== undefined && depth < 4) out.cause = serializeError(source.cause, depth + 1)
  return out
}

/** Rebuilds a ParallaxError (or a plain Error) from its serialized form. */
export function deserializeError(data: SerializedError): Error {
  const cause = data.cause === undefined ? undefined : deserializeError(data.cause)
  if (data.code !== undefined && Object.hasOwn(ERROR_CODES, data.code)) {
    const error = new ParallaxError(data.code as ParallaxErrorCode, data.message, {
      hint: data.hint,
      details: data.details,
      cause,
    })
    if (data.stack !== undefined) error.stack = data.stack
    return error
  }
  const error = new Error(data.message, cause === undefined ? undefined : { cause })
  error.name = data.name
  if (data.stack !== undefined) error.stack = data.stack
  return error
}

/** The documented CLI exit code for an error: its code's exit, or 4 (internal error) for anything unexpected. */
export function exitCodeFor(error: unknown): number {
  return isParallaxError(error) ? ERROR_CODES[error.code].exit : 4
}
