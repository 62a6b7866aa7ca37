/**
 * Exporting recordings as HAR 1.2 for HAR viewers: each recording's inbound exchange, then its outbound
 * calls in order, one entry each; optionally one page per recording so viewers group them.
 */
import packageJson from '../../../package.json' with { type: 'json' }
import { ParallaxError } from '../errors.ts'
import type { Recording } from '../types.ts'
import { entryFromExchange, isoTime, recordingStartMs } from './entry-from-exchange.ts'
import type { Har, HarEntry, HarPage } from './har-types.ts'

/**
 * Options of {@link harFromRecordings}.
 * @example harFromRecordings(recordings, { pages: false })
 */
export interface HarExportOptions {
  /** One HAR page per recording, its entries linked by `pageref` (default true). */
  pages?: boolean
  /** `log.creator`; defaults to parallax and its version. */
  creator?: { name: string; version: string }
}

const COMMENT =
  'Exported by parallax. Entries carrying _parallax fields import back into the same recordings (parallax import har).'

/**
 * Converts recordings into a HAR 1.2 document. Binary bodies are base64 (`encoding: 'base64'`), headers
 * keep their order and repeats, outbound entries are marked and linked to their recording by `_parallax`.
 * Throws PARALLAX_USAGE when two recordings share an id.
 * @example
 * const har = harFromRecordings(recordings)
 * await writeFile('recordings.har', JSON.stringify(har, null, 2))
 */
export function harFromRecordings(recordings: readonly Recording[], options: HarExportOptions = {}): Har {
  const pages: HarPage[] = []
  const entries: HarEntry[] = []
  const ids = new Set<string>()
  for (const recording of recordings) {
    if (ids.has(recording.id)) {
      throw new ParallaxError(
        'PARALLAX_USAGE',
        `Failed to export HAR: two recordings have the id ${JSON.stringify(recording.id)}.`,
        {
          hint: 'Export recordings with distinct ids (a folder that loads without errors has them).',
          details: { id: recording.id },
        },
      )
    }
    ids.add(recording.id)
    const pageref = options.pages === false ? undefined : recording.id
    if (pageref !== undefined) {
      const { method, url } = recording.inbound.request
      pages.push({
        startedDateTime: isoTime(recordingStartMs(recording)),
        id: pageref,
        title: `${method} ${url}`,
        pageTimings: {},
      })
    }
    entries.push(entryFromExchange(recording, 'inbound', pageref))
    for (let index = 0; index < recording.outbound.length; index++) {
      entries.push(entryFromExchange(recording, index, pageref))
    }
  }
  return {
    log: {
      version: '1.2',
      creator: options.creator ?? { name: 'parallax', version: packageJson.version },
      ...(options.pages === false ? {} : { pages }),
      entries,
      comment: COMMENT,
    },
  }
}
