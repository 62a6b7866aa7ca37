/**
 * The bench's recorded JSON endpoint (`./recorded-service.ts`, mode `memory`) with a choice of redaction,
 * for {@link ./quick-record.ts}: `redact: 'default'` (the recorder's own) or `'off'` (`redact: false`),
 * so the capture's cost can be measured apart from the redactor's. Options: `bodyBytes`, `upstream`, `redact`.
 */
import { createRecorder } from '../../src/record/index.ts'
import type { Recording } from '../../src/recording/types.ts'
import { jsonHandler } from './json-service.ts'
import { MEMORY_RING } from './recorded-service.ts'
import type { CreateService } from './service.ts'

/**
 * Serves the endpoint recorded to a ring of the last {@link MEMORY_RING} recordings.
 * @example await startChildServer({ name: 'no redaction', module: new URL('./quick-service.ts', import.meta.url), options: { bodyBytes: 1024, redact: 'off' } })
 */
export const createService: CreateService = (options) => {
  const handler = jsonHandler({
    bodyBytes: Number(options['bodyBytes']),
    upstream: typeof options['upstream'] === 'string' ? options['upstream'] : undefined,
  })
  const ring: Recording[] = []
  let received = 0
  const recorder = createRecorder({
    service: 'bench',
    environment: 'bench',
    sample: 1,
    ...(options['redact'] === 'off' && { redact: false }),
    onRecording: (recording) => {
      ring[received++ % MEMORY_RING] = recording
    },
  })
  return {
    handler: recorder.wrap(handler),
    endRound: () => ({ recorded: recorder.stats().recorded }),
    close: () => recorder.close(),
  }
}
