/**
 * The recorder's own failures on stderr, each kind once: a disk that stays full fails every batch, and the
 * service's log must not fill with it. Every occurrence is still counted in the books.
 */
import { isParallaxError } from '../recording/errors.ts'

/** Kinds logged at most; past it, nothing more is logged. */
const MAX_KINDS = 100

/**
 * Returns an `onError` that writes the first failure of each kind, with its hint, as one `[parallax]` line.
 * @example startRecorder({ ...options, onError: createLogOnce((line) => process.stderr.write(line)) })
 */
export function createLogOnce(write: (line: string) => void): (error: unknown) => void {
  const seen = new Set<string>()
  return (error) => {
    const kind = failureKind(error)
    if (seen.has(kind) || seen.size >= MAX_KINDS) return
    seen.add(kind)
    const message = error instanceof Error ? error.message : String(error)
    const hint = isParallaxError(error) && error.hint ? `\n  hint: ${error.hint}` : ''
    write(`[parallax] recorder: ${message} (further ${kind} failures are counted, not logged)${hint}\n`)
  }
}

/**
 * What tells two failures apart: the writer's `details.kind` (`open:EACCES`, `status:ENOSPC`, `queue-full`);
 * otherwise the code and the message's verb (`PARALLAX_WRITE_FAILED:redact` for `Failed to redact …`), which name no recording; else
 * the errno code or the error's name.
 * @example failureKind(diskError(failure, 3).error) // 'open:EEXIST'
 */
export function failureKind(error: unknown): string {
  if (isParallaxError(error)) {
    const kind = error.details?.kind
    if (typeof kind === 'string' && kind !== '') return kind
    const verb = /^Failed to (\w+)/.exec(error.message)?.[1]
    return verb === undefined ? error.code : `${error.code}:${verb}`
  }
  const code = (error as { code?: unknown } | undefined)?.code
  if (typeof code === 'string' && code !== '') return code
  return error instanceof Error ? error.name : 'error'
}
