/**
 * Loading NDJSON segments: line 1 a SegmentHeader, every further line one Recording. Untrusted input:
 * every line is bounded, depth-checked and validated, and a bad line or file becomes a typed error while
 * everything else still loads. Finalized (`.ndjson`, `.ndjson.gz`) and unfinalized (`….open`) segments
 * load alike; the torn last line a killed writer leaves in an unfinalized one is a warning, not an error.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import { isParallaxError, ParallaxError } from './errors.ts'
import {
  type LoadedRecording,
  type LoadRecordingsOptions,
  type LoadRecordingsResult,
  type LoadWarning,
  SEGMENT_FILE_SUFFIX,
  WRITER_STATUS_FORMAT,
  type WriterStatus,
} from './recording-store.ts'
import { describeFirstIssue, parseRecording, segmentHeaderSchema } from './schema.ts'
import { jsonNestsDeeperThan, readSegmentLines, SEGMENT_LIMITS, type SegmentLine } from './segment-lines.ts'
import { RECORDING_FORMAT, RECORDING_VERSION } from './types.ts'

/** Everything a load collects, with every optional part of the result present. */
type LoadState = Required<LoadRecordingsResult> & { seen: Map<string, LoadedRecording> }

/** How a segment file is stored, read from its name. */
interface SegmentKind {
  gzip: boolean
  /** Still `.open`: its writer had not finalized it (killed, or still writing). */
  unfinalized: boolean
}

const LINE_HINT = 'Fix or delete that line (the other lines still load), or re-record it.'

/**
 * Loads every recording in a segment file, or in all segments below a folder (sorted by path):
 * `.ndjson`, `.ndjson.gz`, and unfinalized `….open` ones, plus the writer status files beside them.
 * Throws PARALLAX_NOT_FOUND when the path does not exist; every other problem is one error in `errors`,
 * and what a crash is expected to leave (a torn last line of an unfinalized segment) one entry in `warnings`.
 * @example
 * const { recordings, errors, warnings } = await loadRecordings('recordings/')
 * for (const error of errors) console.warn(`[parallax] ${error.message}`)
 */
export async function loadRecordings(
  path: string,
  options: LoadRecordingsOptions = {},
): Promise<LoadRecordingsResult> {
  const found = await segmentFiles(path)
  const state: LoadState = {
    recordings: [],
    errors: [],
    warnings: [],
    writers: [],
    segments: { read: 0, unfinalized: 0, bytes: 0 },
    seen: new Map(),
  }
  const onBytes = await progressCounter(found.segments, options, state)
  for (const listed of found.segments) {
    // A running writer may finalize (rename) or its total cap delete a file after the folder was listed.
    const candidates =
      found.folder && listed.endsWith(SEGMENT_FILE_SUFFIX.open) ? [listed, finalizedName(listed)] : [listed]
    let loaded = false
    for (const file of candidates) {
      loaded = await loadSegment(file, state, onBytes(file), found.folder)
      if (loaded) break
    }
    if (!loaded) state.warnings.push(vanished(listed))
  }
  for (const file of found.statuses) await loadWriterStatus(file, state, found.folder ? undefined : path)
  const { seen: _seen, ...result } = state
  return result
}

/**
 * Reads one segment, turning a file that cannot be read at all into one error (line 0). Returns false,
 * recording nothing, when the file is gone and `missingIsNormal` (it vanished from a listed folder).
 */
async function loadSegment(
  file: string,
  state: LoadState,
  onBytes: (bytes: number) => void,
  missingIsNormal: boolean,
): Promise<boolean> {
  const kind = segmentKind(file)
  try {
    await loadSegmentLines(file, kind, state, onBytes)
  } catch (error) {
    if (missingIsNormal && (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return false
    state.errors.push(
      new ParallaxError('PARALLAX_RECORDING_INVALID', `Failed to read segment ${file}: ${reasonOf(error)}.`, {
        hint: 'Check that the file is readable by this user.',
        cause: error,
        details: { file, line: 0 },
      }),
    )
  }
  state.segments.read++
  if (kind.unfinalized) state.segments.unfinalized++
  return true
}

function finalizedName(file: string): string {
  return file.slice(0, -SEGMENT_FILE_SUFFIX.open.length)
}

/** The files a path holds: segments (sorted by path) and writer status files. */
async function segmentFiles(
  path: string,
): Promise<{ segments: string[]; statuses: string[]; folder: boolean }> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new ParallaxError('PARALLAX_NOT_FOUND', `Failed to load recordings ${path}: ${reasonOf(error)}.`, {
      hint: 'Pass a .ndjson segment or a folder of them, e.g. recordings/copilot; record traffic first if there is none.',
      cause: error,
      details: { path },
    })
  })
  if (!info.isDirectory()) {
    const siblings = await readdir(dirname(path), { withFileTypes: true }).catch(() => [])
    const statuses = siblings
      .filter((entry) => entry.isFile() && entry.name.endsWith(SEGMENT_FILE_SUFFIX.writerStatus))
      .map((entry) => join(dirname(path), entry.name))
    return { segments: [path], statuses: statuses.sort(byPath), folder: false }
  }
  const entries = await readdir(path, { recursive: true, withFileTypes: true })
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name))
  const names = new Set(files)
  const segments = files.filter((file) => {
    const name = file.endsWith(SEGMENT_FILE_SUFFIX.open) ? finalizedName(file) : file
    if (!name.endsWith(SEGMENT_FILE_SUFFIX.plain) && !name.endsWith(SEGMENT_FILE_SUFFIX.gzip)) return false
    // Listed under both names while its writer renamed it: read it once, finalized.
    return name === file || !names.has(name)
  })
  const statuses = files.filter((file) => file.endsWith(SEGMENT_FILE_SUFFIX.writerStatus))
  return { segments: segments.sort(byPath), statuses: statuses.sort(byPath), folder: true }
}

function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function segmentKind(file: string): SegmentKind {
  const unfinalized = file.endsWith(SEGMENT_FILE_SUFFIX.open)
  const name = unfinalized ? finalizedName(file) : file
  return { gzip: name.endsWith('.gz'), unfinalized }
}

/** Counts the bytes read into the result, and reports progress when asked (stat-ing every file once for the total). */
async function progressCounter(
  files: string[],
  options: LoadRecordingsOptions,
  state: LoadState,
): Promise<(file: string) => (bytes: number) => void> {
  const onProgress = options.onProgress
  if (onProgress === undefined) {
    return () => (bytes) => {
      state.segments.bytes += bytes
    }
  }
  const sizes = await Promise.all(
    files.map((file) =>
      stat(file).then(
        (info) => info.size,
        () => 0,
      ),
    ),
  )
  let totalBytes = sizes.reduce((sum, size) => sum + size, 0)
  let bytesRead = 0
  return (file) => (bytes) => {
    state.segments.bytes += bytes
    bytesRead += bytes
    // A segment still being written grows while it is read.
    totalBytes = Math.max(totalBytes, bytesRead)
    onProgress({ bytesRead, totalBytes, file })
  }
}

function vanished(file: string): LoadWarning {
  return {
    kind: 'vanished',
    file,
    message: `Skipped ${file}: it was renamed or deleted (by its writer finalizing or rotating it) while the folder was read.`,
  }
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
function lineJson(file: string, entry: ReadLine): { value: unknown } | { error: ParallaxError } {
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

/**
 * Loads the lines of one segment into `state`. A torn last line (no trailing newline) that does not load
 * is a warning in an unfinalized segment, where a killed writer leaves one, and an error in a finalized
 * one, where nothing should have cut it.
 */
async function loadSegmentLines(
  file: string,
  kind: SegmentKind,
  state: LoadState,
  onBytes: (bytes: number) => void,
): Promise<void> {
  let headerRead = false
  const reject = (error: ParallaxError, entry: ReadLine) => {
    if (entry.torn && kind.unfinalized) state.warnings.push(tornWarning(file, entry.line))
    else state.errors.push(error)
  }
  for await (const entry of readSegmentLines(file, SEGMENT_LIMITS.maxLineBytes, {
    gzip: kind.gzip,
    onBytes,
  })) {
    if (entry.kind === 'gzip-damaged') {
      // An unfinalized gzip segment has no trailer yet: ending early is its normal state.
      if (!(entry.truncated && kind.unfinalized)) state.errors.push(gzipDamaged(file, entry))
      continue
    }
    if (entry.kind === 'text' && entry.text.trim() === '') continue
    const parsed = lineJson(file, entry)
    if (!headerRead) {
      const problem = 'error' in parsed ? 'it is not JSON' : headerProblem(file, entry.line, parsed.value)
      if (problem !== undefined) {
        reject(typeof problem === 'string' ? notASegment(file, entry.line, problem) : problem, entry)
        return
      }
      headerRead = true
      continue
    }
    if ('error' in parsed) {
      reject(parsed.error, entry)
      continue
    }
    try {
      const recording = parseRecording(parsed.value, { file, line: entry.line })
      const earlier = state.seen.get(recording.id)
      if (earlier !== undefined) {
        const reason = `id ${JSON.stringify(recording.id)} is already used by ${earlier.file}:${earlier.line}`
        state.errors.push(lineError(file, entry.line, reason, 'id'))
        continue
      }
      const loaded = { recording, file, line: entry.line }
      state.seen.set(recording.id, loaded)
      state.recordings.push(loaded)
    } catch (error) {
      if (!isParallaxError(error)) throw error
      reject(error, entry)
    }
  }
}

/** A segment line that holds bytes (not the end-of-stream damage note). */
type ReadLine = Exclude<SegmentLine, { kind: 'gzip-damaged' }>

function tornWarning(file: string, line: number): LoadWarning {
  return {
    kind: 'torn',
    file,
    line,
    message: `Skipped ${file}:${line}: the segment is unfinalized and its last line was cut off mid-write (its writer was killed, or is still writing).`,
  }
}

function gzipDamaged(file: string, entry: Extract<SegmentLine, { kind: 'gzip-damaged' }>): ParallaxError {
  return new ParallaxError(
    'PARALLAX_RECORDING_INVALID',
    entry.truncated
      ? `Failed to read segment ${file}: ${entry.reason} after line ${entry.line}; the lines before it loaded.`
      : `Failed to read segment ${file}: ${entry.reason} at line ${entry.line}; lines decoded before it loaded where they were valid.`,
    {
      hint: entry.truncated
        ? 'The file was cut short (copied while being written, or the disk filled): copy it again if you can; what came after the cut is lost.'
        : 'The file is damaged after that point: restore it from a copy if you can; what came after the damage is lost.',
      details: { file, line: entry.line },
    },
  )
}

/** Versioned like every parallax file; unknown extra keys are ignored so a newer writer's file still reads. */
const count = z.number().int().nonnegative()
const writerStatusSchema = z.object({
  format: z.literal(WRITER_STATUS_FORMAT),
  version: z.literal(1),
  writer: z.string().max(200),
  prefix: z.string().max(200),
  pid: count,
  startedAt: z.string().max(64),
  updatedAt: z.string().max(64),
  state: z.enum(['running', 'closed']),
  enqueued: count,
  written: count,
  pending: count,
  dropped: z.object({ queueFull: count, serializeFailed: count, writeFailed: count, closed: count }),
  segments: count,
  deleted: z.object({ segments: count, bytes: count }),
  errors: count,
  recorder: z
    .object({
      requests: count,
      filtered: count,
      sampledOut: count,
      recorded: count,
      truncated: count,
      dropped: z.object({ captureFailed: count, redactFailed: count, sinkFull: count, sinkFailed: count }),
      inFlight: count,
      unattributed: count,
      errors: count,
    })
    .optional(),
}) satisfies z.ZodType<WriterStatus>

/** The largest writer status file read; a real one is well under 1 KiB. */
const MAX_STATUS_BYTES = 64 * 1024

/**
 * Reads one writer status file into `state.writers`; when loading a single segment (`segment`), only the
 * status of the writer that wrote it counts.
 */
async function loadWriterStatus(file: string, state: LoadState, segment: string | undefined): Promise<void> {
  let status: WriterStatus
  try {
    const info = await stat(file)
    if (info.size > MAX_STATUS_BYTES)
      throw new Error(`it is ${info.size} bytes, more than ${MAX_STATUS_BYTES}`)
    status = writerStatusSchema.parse(JSON.parse(await readFile(file, 'utf8')))
  } catch (error) {
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return
    const reason =
      error instanceof z.ZodError ? 'it is not a parallax writer status, version 1' : reasonOf(error)
    state.warnings.push({
      kind: 'status-unreadable',
      file,
      message: `Skipped writer status ${file}: ${reason}; its drop counts are missing from the totals.`,
    })
    return
  }
  if (segment !== undefined && !basename(segment).includes(`-${status.writer}-`)) return
  state.writers.push({ ...status, file })
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
