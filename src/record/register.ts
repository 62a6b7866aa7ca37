/**
 * Zero-code recording: `node --import parallax/register server.js`. Configured by environment variables
 * (see {@link recorderOptionsFromEnv}); a bad setting or an unusable PARALLAX_OUT folder is reported once
 * on stderr, before the service starts, and the service runs unrecorded, never stopped.
 */
import { isParallaxError } from '../recording/errors.ts'
import { createLogOnce } from './log-once.ts'
import { recorderOptionsFromEnv } from './recorder-env.ts'
import { redactionKeyWarning } from './redaction-key-warning.ts'
import { checkRecordingFolder } from './sink/index.ts'
import { startRecorder } from './start-recorder.ts'

/** How long the service's start may wait for the folder check; a disk slower than that is the writer's to report. */
const CHECK_TIMEOUT_MS = 2_000

const log = (line: string) => void process.stderr.write(line)

try {
  const options = recorderOptionsFromEnv(process.env)
  // Awaited before the service's own code loads: a folder the writer cannot use is said now, not after
  // the first requests were served and dropped.
  await withinTimeout(checkRecordingFolder(options.out, { setting: 'PARALLAX_OUT' }), CHECK_TIMEOUT_MS)
  startRecorder({ ...options, onError: createLogOnce(log) })
  const warning = redactionKeyWarning(process.env)
  if (warning !== undefined) log(warning)
} catch (error) {
  const hint = isParallaxError(error) && error.hint ? `\n  hint: ${error.hint}` : ''
  log(
    `[parallax] ${error instanceof Error ? error.message : String(error)} The service runs unrecorded.${hint}\n`,
  )
}

/** Settles as `work` does, or resolves after `ms` when it has not: never holds the service's start longer. */
async function withinTimeout(work: Promise<void>, ms: number): Promise<void> {
  // Past the timeout nobody awaits `work`: its late failure must not become an unhandled rejection.
  work.catch(() => {})
  let timer: NodeJS.Timeout | undefined
  // Not unref'd: a pending top-level await with nothing keeping the loop alive would end the process.
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
  })
  try {
    await Promise.race([work, elapsed])
  } finally {
    clearTimeout(timer)
  }
}
