/**
 * The files `parallax redact` and `parallax scan` are pointed at that are not recording segments: no
 * parallax-recording header on their first line (a HAR file, any other JSON or text). Redact refuses them
 * before it writes anything — a rewrite keeps only the recordings that load, so it would replace the whole
 * file with an empty segment — and scan says what to do with them instead.
 */
import { isGzip, segmentFiles } from '../../record/redact/segment-files.ts'
import {
  ParallaxError,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  readHarFile,
  segmentHeaderSchema,
} from '../../recording/index.ts'
import { readSegmentLines } from '../../recording/segment-lines.ts'
import { shellCommand } from '../../scenario/index.ts'

/**
 * A file that is not a recording segment, why, and whether it reads as a HAR file.
 * @example { file: 'recordings/s2.har', reason: 'line 1 is not JSON', kind: 'har' }
 */
export interface NonSegmentFile {
  file: string
  /** Why it is not a segment, e.g. `line 1 is not JSON`; holds no content of the file. */
  reason: string
  /** `har`: a HAR file (import it instead); `newer`: a segment of a newer format version; `other`: anything else. */
  kind: 'har' | 'newer' | 'other'
}

/** A header line is well under this; a longer first line is not a header, and is not held in memory. */
const MAX_HEADER_BYTES = 64 * 1024

/**
 * The files at `path` (itself when it is a file) that hold something but not a segment header. Empty
 * files and unfinalized segments whose header is still being written are not listed: rewriting them loses
 * nothing. PARALLAX_NOT_FOUND when the path does not exist.
 * @example for (const f of await nonSegmentFiles('recordings', 'redact recordings')) throw notASegment(f, 'recordings')
 */
export async function nonSegmentFiles(path: string, action: string): Promise<NonSegmentFile[]> {
  const { files } = await segmentFiles(path, action)
  const found: NonSegmentFile[] = []
  for (const file of files) {
    const reason = await headerProblem(file)
    if (reason === undefined) continue
    found.push({ file, ...reason })
  }
  return found
}

/** Why the first non-blank line of `file` is not a segment header this parallax reads, or undefined. */
async function headerProblem(file: string): Promise<Omit<NonSegmentFile, 'file'> | undefined> {
  for await (const line of readSegmentLines(file, MAX_HEADER_BYTES, { gzip: isGzip(file) })) {
    // A writer writes its header and first batch in one write: a cut-off first line (or gzip stream) of an
    // unfinalized segment is that write, interrupted, and holds no recording to lose.
    const cut = line.kind === 'gzip-damaged' ? line.truncated : line.torn
    if (cut && file.endsWith('.open')) return undefined
    if (line.kind === 'gzip-damaged') return other(file, `it does not decompress: ${line.reason}`)
    if (line.kind === 'text' && line.text.trim() === '') continue
    if (line.kind !== 'text') return other(file, `line ${line.line} is not a ${RECORDING_FORMAT} header`)
    let value: unknown
    try {
      value = JSON.parse(line.text)
    } catch {
      return other(file, `line ${line.line} is not JSON`)
    }
    if (segmentHeaderSchema.safeParse(value).success) return undefined
    const header = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
    const version = header['version']
    if (header['format'] === RECORDING_FORMAT && typeof version === 'number' && version > RECORDING_VERSION) {
      return {
        kind: 'newer',
        reason: `version ${version}; this parallax reads version ${RECORDING_VERSION}`,
      }
    }
    return other(file, `line ${line.line} is not a ${RECORDING_FORMAT} header`)
  }
  return undefined
}

async function other(file: string, reason: string): Promise<Omit<NonSegmentFile, 'file'>> {
  const har = await readHarFile(file).then(
    () => true,
    () => false,
  )
  return { kind: har ? 'har' : 'other', reason }
}

/**
 * What a file that is not a segment is, after its name: `is not a recording segment`.
 * @example `${found.file} ${nonSegmentState(found)}`
 */
export function nonSegmentState(found: NonSegmentFile): string {
  return found.kind === 'newer' ? 'is a segment of a newer format' : 'is not a recording segment'
}

/**
 * What to do with a file that is not a segment, as a sentence fragment (no final period).
 * @example nonSegmentAdvice({ file: 's2.har', reason: 'line 1 is not JSON', kind: 'har' }, 's2.har')
 */
export function nonSegmentAdvice(found: NonSegmentFile, path: string): string {
  if (found.kind === 'har') {
    return `it is a HAR file: import it with \`${shellCommand(['parallax', 'import', 'har', found.file])} --out <dir>\` (which redacts its secrets), then delete it`
  }
  if (found.kind === 'newer') return 'redact and scan it with the newer parallax that wrote it'
  const where = found.file === path ? '' : ' or move it out of the recordings folder'
  return `only files written by parallax (the recorder, \`parallax import har\`) are recordings: delete it${where}`
}

/**
 * The error `parallax redact` refuses a non-segment file with, before anything is written; `others` counts
 * the other non-segment files at the path.
 * @example throw notASegment(found, 'recordings', 0)
 */
export function notASegment(found: NonSegmentFile, path: string, others: number): ParallaxError {
  const advice = nonSegmentAdvice(found, path)
  const more =
    others === 0
      ? ''
      : ` ${others} more ${others === 1 ? 'file is' : 'files are'} not ${others === 1 ? 'a segment' : 'segments'} either (\`${shellCommand(['parallax', 'scan', path])}\` lists them).`
  return new ParallaxError(
    'PARALLAX_RECORDING_INVALID',
    `Failed to redact ${found.file}: it ${nonSegmentState(found)} (${found.reason}).`,
    {
      hint: `${advice.charAt(0).toUpperCase()}${advice.slice(1)}.${more} Nothing was written.`,
      details: { file: found.file, reason: found.reason, kind: found.kind },
    },
  )
}
