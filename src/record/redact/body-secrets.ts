/**
 * Recorded bodies: the stored (decoded) bytes are redacted by their content type, then `size` and
 * `sha256` are recomputed, and the chunk timeline is moved through the edits so its sizes still add up.
 */
import { isUtf8 } from 'node:buffer'
import { bodyBytes, bodyFromBytes, keptBody } from '../../recording/body.ts'
import type { Body, Chunk } from '../../recording/types.ts'
import { type ByteStringRedaction, redactByteString } from './redact-bytes.ts'
import type { RedactContext } from './redact-context.ts'
import { mapThrough } from './text-edits.ts'

/**
 * A redacted body and the passes that changed it (to move chunk boundaries).
 * @example const { body, passes } = redactBody(recorded, 'application/json', ctx) ?? { body: recorded, passes: [] }
 */
export interface BodyRedaction {
  body: Body
  passes: ByteStringRedaction['passes']
}

/**
 * Redacts a recorded body; undefined when nothing in it changed. A truncated body keeps `truncated`, and
 * its `size` and `sha256`, which describe the whole body as it crossed the wire, not the kept bytes.
 * @example redactBody(bodyFromBytes(Buffer.from('password=x')), 'application/x-www-form-urlencoded', ctx)
 */
export function redactBody(
  body: Body,
  contentType: string | undefined,
  ctx: RedactContext,
): BodyRedaction | undefined {
  if (body.size === 0) return undefined
  // An ASCII text is its own byte string (most JSON is): no encoding to bytes and back.
  const ascii = body.encoding === 'utf8' && body.truncated !== true && body.size === body.text.length
  const bytes = ascii ? undefined : bodyBytes(body)
  if (bytes?.byteLength === 0) return undefined
  // A truncated text body is text, even when the cut went through a character (it is then kept as base64).
  const textual =
    body.encoding === 'utf8' ||
    (body.truncated === true && bytes !== undefined && isUtf8(withoutCutCharacter(bytes)))
  const result = redactByteString(ascii ? body.text : bytes!.toString('latin1'), ctx, {
    contentType,
    textual,
    truncated: body.truncated === true,
  })
  if (result.passes.length === 0) return undefined
  const redacted = Buffer.from(result.text, 'latin1')
  // Size and digest of a truncated body go on describing the whole body as it crossed the wire (the kept
  // bytes are only its beginning): a digest of more than maxBodyBytes reveals nothing of a secret inside
  // it. Keys in sorted order (see keptBody).
  const rebuilt: Body = {
    ...(body.contentEncoding !== undefined && { contentEncoding: body.contentEncoding }),
    ...(body.truncated ? keptBody(redacted, body.size, body.sha256, true) : bodyFromBytes(redacted)),
  }
  return { body: rebuilt, passes: result.passes }
}

/**
 * Moves a chunk timeline through a body's redaction: each boundary follows the edits (a boundary inside a
 * secret moves to the end of its placeholder), so the sizes add up to the new size. A timeline that did
 * not add up to the old size is left as it was.
 * @example remapChunks([{ offsetMs: 0, size: 10 }, { offsetMs: 5, size: 10 }], 20, passes, 30)
 */
export function remapChunks(
  chunks: readonly Chunk[],
  oldSize: number,
  passes: BodyRedaction['passes'],
  newSize: number,
): Chunk[] {
  const total = chunks.reduce((sum, chunk) => sum + chunk.size, 0)
  if (total !== oldSize) return [...chunks]
  let boundary = 0
  let placed = 0
  return chunks.map((chunk, index) => {
    boundary += chunk.size
    const end =
      index === chunks.length - 1
        ? newSize
        : Math.min(newSize, Math.max(placed, mapThrough(passes, boundary)))
    const moved = { offsetMs: chunk.offsetMs, size: end - placed }
    placed = end
    return moved
  })
}

/** The bytes without a UTF-8 sequence left incomplete at their end. */
function withoutCutCharacter(bytes: Buffer): Buffer {
  for (let back = 1; back <= Math.min(3, bytes.byteLength); back++) {
    const byte = bytes[bytes.byteLength - back]!
    if ((byte & 0xc0) === 0x80) continue
    return byte >= 0xc0 ? bytes.subarray(0, bytes.byteLength - back) : bytes
  }
  return bytes
}
