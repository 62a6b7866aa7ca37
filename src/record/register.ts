/**
 * Zero-code recording: `node --import parallax/register server.js`. Configured by environment variables
 * (see {@link recorderOptionsFromEnv}); a bad setting is reported once on stderr and the service runs
 * unrecorded, never stopped.
 */
import { isParallaxError } from '../recording/errors.ts'
import { recorderOptionsFromEnv } from './recorder-env.ts'
import { startRecorder } from './start-recorder.ts'

try {
  const options = recorderOptionsFromEnv(process.env)
  startRecorder({
    ...options,
    onError: logOnce(),
  })
} catch (error) {
  const hint = isParallaxError(error) && error.hint ? `\n  hint: ${error.hint}` : ''
  process.stderr.write(
    `[parallax] ${error instanceof Error ? error.message : String(error)} The service runs unrecorded.${hint}\n`,
  )
}

/** Logs the recorder's own failures on stderr, once per kind, so a failing disk cannot flood the log. */
function logOnce(): (error: unknown) => void {
  const seen = new Set<string>()
  return (error) => {
    const kind = isParallaxError(error) ? error.code : ((error as { code?: string })?.code ?? 'error')
    if (seen.has(kind) || seen.size > 100) return
    seen.add(kind)
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`[parallax] recorder: ${message} (further ${kind} errors are counted, not logged)\n`)
  }
}
