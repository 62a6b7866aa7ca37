/**
 * Loading NDJSON segments: line 1 a SegmentHeader, every further line one Recording. Untrusted input:
 * every line is bounded, depth-checked and validated, and a bad line or file becomes a typed error while
 * everything else still loads.
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { isParallaxError, ParallaxError } from './errors.ts'
import type { LoadedRecording, LoadRecordingsResult } from './recording-store.ts'
import { describeFirstIssue, parseRecording, segmentHeaderSchema } from './schema.ts'
import { jsonNestsDeeperThan, readSegmentLines, SEGMENT_LIMITS, type SegmentLine } from './segment-lines.ts'
import { RECORDING_FORMAT, RECORDING_VERSION } from './types.ts'

const LINE_HINT = 'Fix or delete that line (the other lines still load), or re-record it.'

/**
 * Loads every recording in a `.ndjson` file, or in all `*.ndjson` files below a folder (sorted by path).
 * Throws PARALLAX_NOT_FOUND when the path does not exist; every other problem is one error in `errors`.
 * @example
 * const { recordings, errors } = await loadRecordings('recordings/')
 * for (const error of errors) console.warn(`[parallax] ${error.message}`)
 */
export async function loadRecordings(path: string): Promise<LoadRecordingsResult> {
  const files = await segmentFiles(path)
  const result: LoadRecordingsResult = { recordings: [], errors: [] }
  const seen = new Map<string, LoadedRecording>()
  for (const file of files) {
    try {
      await loadSegment(file, result, seen)
    } catch (error) {
      result.errors.push(
        new ParallaxError(
          'PARALLAX_RECORDING_INVALID',
          `Failed to read segment ${file}: ${reasonOf(error)}.`,
          {
            hint: 'Check that the file is readable by this user.',
            cause: error,
            details: { file, line: 0 },
          },
        ),
      )
    }
  }
  return result
}

async function segmentFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new ParallaxError('PARALLAX_NOT_FOUND', `Failed to load recordings ${path}: ${reasonOf(error)}.`, {
      hint: 'Pass a .ndjson segment or a folder of them (recordings/ by default); record traffic first if there is none.',
      cause: error,
      details: { path },
    })
  })
  if (!info.isDirectory()) return [path]
  const entries = await readdir(path, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ndjson'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return 'no such file or folder'
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  if (code === 'EISDIR') return 'it is a folder'
  return (error as Error | undefined)?.message ?? String(error)
}

function lineError(file: string, line: number, reason: string, field?: string): ParallaxError {
  return new ParallaxError(
    'PARALLAX_RECORDING_INVALID',
    `Failed to load recording ${file}:${line}: ${reason}.`,
    {
      hint: LINE_HINT,
      details: field === undefined ? { file, line } : { file, line, field },
    },
  )
}

/** The JSON value of a line, or the error that says why the line is not usable JSON. */
function lineJson(file: string, entry: SegmentLine): { value: unknown } | { error: ParallaxError } {
  const torn = entry.torn
    ? ' (the file ends without a newline: the line was probably cut off while being written)'
    : ''
  if (entry.kind === 'too-long') {
    const reason = `the line is ${entry.bytes} bytes, more than the ${SEGMENT_LIMITS.maxLineBytes} a line may hold`
    return { error: lineError(file, entry.line, reason + torn) }
  }
  if (entry.kind === 'not-utf8')
    return { error: lineError(file, entry.line, `the line is not valid UTF-8${torn}`) }
  if (jsonNestsDeeperThan(entry.text, SEGMENT_LIMITS.maxLineDepth)) {
    const reason = `the line nests deeper than ${SEGMENT_LIMITS.maxLineDepth} levels${torn}`
    return { error: lineError(file, entry.line, reason) }
  }
  try {
    return { value: JSON.parse(entry.text) }
  } catch (error) {
    return { error: lineError(file, entry.line, `the line is not JSON (${(error as Error).message})${torn}`) }
  }
}

async function loadSegment(
  file: string,
  result: LoadRecordingsResult,
  seen: Map<string, LoadedRecording>,
): Promise<void> {
  let headerRead = false
  for await (const entry of readSegmentLines(file)) {
    if (entry.kind === 'text' && entry.text.trim() === '') continue
    const parsed = lineJson(file, entry)
    if (!headerRead) {
      const problem = 'error' in parsed ? 'it is not JSON' : headerProblem(file, entry.line, parsed.value)
      if (problem !== undefined) {
        result.errors.push(typeof problem === 'string' ? notASegment(file, entry.line, problem) : problem)
        return
      }
      headerRead = true
      continue
    }
    if ('error' in parsed) {
      result.errors.push(parsed.error)
      continue
    }
    try {
      const recording = parseRecording(parsed.value, { file, line: entry.line })
      const earlier = seen.get(recording.id)
      if (earlier !== undefined) {
        const reason = `id ${JSON.stringify(recording.id)} is already used by ${earlier.file}:${earlier.line}`
        result.errors.push(lineError(file, entry.line, reason, 'id'))
        continue
      }
      const loaded = { recording, file, line: entry.line }
      seen.set(recording.id, loaded)
      result.recordings.push(loaded)
    } catch (error) {
      if (!isParallaxError(error)) throw error
      result.errors.push(error)
    }
  }
}

function notASegment(file: string, line: number, problem: string): ParallaxError {
  return new ParallaxError(
    'PARALLAX_RECORDING_INVALID',
    `Failed to load segment ${file}: it does not start with a ${RECORDING_FORMAT} header (line ${line}: ${problem}).`,
    {
      hint: 'Load only files written by parallax (writeSegment or the recorder); nothing was loaded from this one.',
      details: { file, line, field: 'format' },
    },
  )
}

/** Why line 1 is not a header this parallax reads: a short reason, a full error, or undefined when it is fine. */
function headerProblem(file: string, line: number, value: unknown): string | ParallaxError | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'it is not a JSON object'
  const header = value as Record<string, unknown>
  if (header['format'] !== RECORDING_FORMAT) {
    return `its format is ${JSON.stringify(header['format'])?.slice(0, 60) ?? 'missing'}`
  }
  if (header['version'] !== RECORDING_VERSION) {
    const found = JSON.stringify(header['version'])?.slice(0, 20) ?? 'missing'
    return new ParallaxError(
      'PARALLAX_RECORDING_INVALID',
      `Failed to load segment ${file}: it is ${RECORDING_FORMAT} version ${found}, and this parallax reads version ${RECORDING_VERSION}.`,
      {
        hint:
          typeof header['version'] === 'number' && header['version'] > RECORDING_VERSION
            ? 'Upgrade parallax to a version that reads this format, or re-record with this one; nothing was loaded from this file.'
            : 'Re-record the traffic with this version of parallax; nothing was loaded from this file.',
        details: { file, line, field: 'version', found: header['version'], supported: RECORDING_VERSION },
      },
    )
  }
  const issue = describeFirstIssue(segmentHeaderSchema, value)
  if (issue === undefined) return undefined
  return new ParallaxError(
    'PARALLAX_RECORDING_INVALID',
    `Failed to load segment ${file}: its header's ${issue.field} ${issue.problem}.`,
    {
      hint: 'Repair the header (line 1) or re-record the file; nothing was loaded from it.',
      details: { file, line, field: issue.field },
    },
  )
}
