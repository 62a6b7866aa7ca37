/**
 * Export → import is lossless for parallax's own recordings: the checked-in copilot recordings and
 * generated ones with binary, truncated and content-encoded bodies, repeated headers and timelines.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  harFromRecordings,
  loadRecordings,
  parseHarText,
  type Recording,
  recordingSchema,
  recordingsFromHar,
} from '../../src/recording/index.ts'
import { har12Schema } from '../fixtures/har/har-1.2-schema.ts'
import { recordingsArbitrary } from '../fixtures/har/recording-arbitrary.ts'
import { propertySeed } from '../support/property-seed.ts'

const seed = propertySeed('HAR round trip')

/** Export, serialize and import again, as a file would go. */
function throughHar(recordings: readonly Recording[], pages = true) {
  const har = harFromRecordings(recordings, { pages })
  return { har, imported: recordingsFromHar(parseHarText(JSON.stringify(har, null, 2), 'round-trip.har')) }
}

describe('HAR round trip', () => {
  it('harFromRecordings → recordingsFromHar: the copilot recordings come back exactly, outbound calls regrouped', async () => {
    const { recordings, errors } = await loadRecordings('recordings/copilot/copilot.ndjson')
    expect(errors).toEqual([])
    const original = recordings.map((loaded) => loaded.recording)
    const { har, imported } = throughHar(original)
    expect(har.log.entries).toHaveLength(original.reduce((sum, r) => sum + 1 + r.outbound.length, 0))
    expect(imported.skipped).toEqual([])
    expect(imported.recordings).toStrictEqual(original)
    expect(har12Schema.safeParse(har).error).toBeUndefined()
  })

  it('harFromRecordings → recordingsFromHar: generated recordings come back exactly and the export is valid HAR 1.2', () => {
    fc.assert(
      fc.property(recordingsArbitrary(4), fc.boolean(), (recordings, pages) => {
        for (const recording of recordings) expect(recordingSchema.safeParse(recording).error).toBeUndefined()
        const { har, imported } = throughHar(recordings, pages)
        expect(har12Schema.safeParse(har).error).toBeUndefined()
        expect(imported.skipped).toEqual([])
        expect(imported.recordings).toStrictEqual(recordings)
      }),
      { seed, numRuns: 200 },
    )
  })

  it('recordingsFromHar: entries of a parallax export regroup whatever their order in the file', () => {
    fc.assert(
      fc.property(recordingsArbitrary(3), fc.infiniteStream(fc.nat()), (recordings, picks) => {
        const { har } = throughHar(recordings, false)
        const shuffled = [...har.log.entries]
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = picks.next().value % (i + 1)
          ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
        }
        const imported = recordingsFromHar({ log: { ...har.log, entries: shuffled } })
        expect(imported.skipped).toEqual([])
        const byId = (a: Recording, b: Recording) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
        expect([...imported.recordings].sort(byId)).toStrictEqual([...recordings].sort(byId))
      }),
      { seed, numRuns: 50 },
    )
  })
})
