/**
 * Reading the text of a HAR file safely: bounded in size, strict UTF-8, a byte-order mark allowed (some
 * Windows tools write one), nesting measured without recursion before anything parses it.
 */
import { ParallaxError } from '../errors.ts'
import { jsonNestsDeeperThan } from '../segment-lines.ts'
import { HAR_LIMITS } from './har-schema.ts'

/**
 * What to do when a file is not a HAR parallax can import.
 * @example harFileError('x.json', 'it is not JSON', HAR_FILE_HINT)
 */
export const HAR_FILE_HINT =
  "Pass a HAR 1.2 file, e.g. one saved from the browser's DevTools (Network → Save all as HAR), Charles, Insomnia, mitmproxy or Polly.JS."

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/**
 * The error for a HAR file that cannot be imported at all.
 * @example throw harFileError('x.har', 'it is not JSON', HAR_FILE_HINT)
 */
export function harFileError(
  source: string,
  reason: string,
  hint: string,
  details: Record<string, unknown> = {},
): ParallaxError {
  return new ParallaxError('PARALLAX_RECORDING_INVALID', `Failed to import HAR ${source}: ${reason}.`, {
    hint,
    details: { file: source, ...details },
  })
}

/**
 * Parses the text (or bytes) of a HAR file into a JSON value, refusing a file that is too big, not UTF-8,
 * nested deeper than {@link HAR_LIMITS}.maxDepth or not JSON with PARALLAX_RECORDING_INVALID.
 * @example const har = parseHarText(await readFile('capture.har'), 'capture.har')
 */
export function parseHarText(input: string | Uint8Array, source = 'the HAR file'): unknown {
  // A string's UTF-8 size is at most 3 bytes per UTF-16 unit: count them only when that could pass the bound.
  const bytes =
    typeof input !== 'string'
      ? input.byteLength
      : input.length * 3 > HAR_LIMITS.maxBytes
        ? Buffer.byteLength(input)
        : input.length
  if (bytes > HAR_LIMITS.maxBytes) {
    throw harFileError(
      source,
      `it is ${bytes} bytes, more than the ${HAR_LIMITS.maxBytes} a HAR file may be`,
      'Split the capture into smaller HAR files (e.g. one per page or test) and import each.',
    )
  }
  let text: string
  if (typeof input === 'string') {
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  } else {
    try {
      text = utf8.decode(input)
    } catch {
      throw harFileError(source, 'it is not UTF-8 text', HAR_FILE_HINT)
    }
  }
  if (text.trim() === '') throw harFileError(source, 'it is empty', HAR_FILE_HINT)
  if (jsonNestsDeeperThan(text, HAR_LIMITS.maxDepth)) {
    throw harFileError(
      source,
      `it nests deeper than ${HAR_LIMITS.maxDepth} levels, which no HAR producer writes`,
      HAR_FILE_HINT,
    )
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw harFileError(source, `it is not JSON (${(error as Error).message})`, HAR_FILE_HINT)
  }
}
