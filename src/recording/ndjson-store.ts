/**
 * The NDJSON implementation of the RecordingStore port: a folder of `*.ndjson` segments.
 */
import { join } from 'node:path'
import { ParallaxError } from './errors.ts'
import { loadRecordings } from './load-recordings.ts'
import type { RecordingStore } from './recording-store.ts'
import { writeSegment } from './write-segment.ts'

const SEGMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/**
 * A store over the folder `root`: `load()` reads every segment below it, `write(name, …)` writes `<root>/<name>.ndjson`.
 * @example
 * const store = createNdjsonStore('recordings')
 * await store.write('checkout', recordings)
 * const { recordings: loaded, errors } = await store.load()
 */
export function createNdjsonStore(root: string): RecordingStore {
  return {
    location: root,
    load: () => loadRecordings(root),
    async write(name, recordings, options) {
      if (!SEGMENT_NAME.test(name) || name.includes('..')) {
        throw new ParallaxError(
          'PARALLAX_USAGE',
          `Failed to write segment ${JSON.stringify(name)}: it is not a plain file name.`,
          {
            hint: 'Name a segment with letters, digits, dots, dashes and underscores, e.g. "checkout-2026-11-24".',
            details: { name },
          },
        )
      }
      const file = join(root, name.endsWith('.ndjson') ? name : `${name}.ndjson`)
      await writeSegment(file, recordings, options)
      return file
    },
  }
}
