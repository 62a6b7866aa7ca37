/**
 * Recordings as segment lines: canonical key order (sortedJson), bounded in depth and bytes, encoded
 * straight into one batch buffer — one UTF-8 pass per line, no join, no second copy. Never throws: a
 * recording that cannot be written says why.
 */
import { SEGMENT_LIMITS } from '../../recording/segment-lines.ts'
import { sortedJson } from '../../recording/sorted-json.ts'
import type { Recording } from '../../recording/types.ts'

/**
 * A recording's line (without its newline), or why it cannot be written.
 * @example const result = serializeRecording(recording); if ('line' in result) lines.append(result.line)
 */
export type SerializedRecording = { line: string } | { problem: string; cause?: unknown }

/**
 * Serializes `recording` as the loader will read it back, or names the problem (a getter that throws, a
 * value JSON cannot hold, nesting past the segment limit).
 * @example serializeRecording(recording) // { line: '{"id":"greet-ada",…}' }
 */
export function serializeRecording(recording: Recording): SerializedRecording {
  try {
    const result = sortedJson(recording, SEGMENT_LIMITS.maxLineDepth)
    if (!('text' in result))
      return { problem: `at ${result.path} ${result.problem}, which JSON cannot hold as it is` }
    return { line: result.text }
  } catch (error) {
    return {
      problem: `serializing it threw (${(error as Error | undefined)?.message ?? String(error)})`,
      cause: error,
    }
  }
}

/**
 * A batch being encoded: lines appended as UTF-8 with their newline, the last one removable again.
 * @example const lines = createLineBuffer(64 * 1024); const bytes = lines.append('{"id":"a"}'); lines.bytes()
 */
export interface LineBuffer {
  /** Appends `line` and a newline; returns the bytes taken, or undefined when the line is past the segment limit (nothing appended). */
  append(line: string): number | undefined
  /** Removes the last line appended (`bytes` as `append` returned). */
  removeLast(bytes: number): void
  /** The encoded batch (a view, valid until the next append). */
  bytes(): Buffer
}

/**
 * Creates a line buffer sized for `expectedBytes` (it grows when a batch needs more).
 * @example createLineBuffer(entries.reduce((n, e) => n + e.charge, 0))
 */
export function createLineBuffer(expectedBytes: number): LineBuffer {
  let buffer = Buffer.allocUnsafe(Math.max(1024, expectedBytes))
  let used = 0
  return {
    append(line) {
      // A UTF-16 unit takes at most 3 bytes in UTF-8: with this much room the line always fits.
      const room = line.length * 3 + 1
      if (used + room > buffer.byteLength) {
        const grown = Buffer.allocUnsafe(Math.max(buffer.byteLength * 2, used + room))
        buffer.copy(grown, 0, 0, used)
        buffer = grown
      }
      const bytes = buffer.write(line, used, 'utf8')
      if (bytes > SEGMENT_LIMITS.maxLineBytes) return undefined
      buffer[used + bytes] = 0x0a
      used += bytes + 1
      return bytes + 1
    },
    removeLast(bytes) {
      used -= bytes
    },
    bytes: () => buffer.subarray(0, used),
  }
}

/**
 * The id of a recording for messages, without trusting it to be well-formed.
 * @example recordingIdOf({ id: 'greet-ada' }) // 'greet-ada'
 */
export function recordingIdOf(recording: unknown): string {
  try {
    const id = (recording as { id?: unknown } | null)?.id
    return typeof id === 'string' ? id.slice(0, 200) : '(without an id)'
  } catch {
    return '(without an id)'
  }
}
