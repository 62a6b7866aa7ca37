/**
 * Re-applying the redaction rules to recordings already on disk: each segment is loaded, every recording
 * redacted, and the segment written again (atomically, header kept) in place or below another folder —
 * or nothing is written and the report says what would change. Redacting a redacted segment changes nothing.
 */
import { mkdir } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { ParallaxError } from '../../recording/errors.ts'
import { loadRecordings } from '../../recording/load-recordings.ts'
import { writeSegment } from '../../recording/write-segment.ts'
import type { RedactionFinding, Redactor } from './create-redactor.ts'
import { segmentFiles, segmentHeader } from './segment-files.ts'

/** The folders `--out` creates are the owner's only, as the segments in them (see docs/recording-files.md). */
const OWNER_ONLY_FOLDER_MODE = 0o700

/**
 * Where the redacted segments go: `dry-run` writes nothing, `in-place` rewrites changed files, `out`
 * writes every file below a folder, mirroring the input's layout.
 * @example { mode: 'out', out: 'recordings-redacted' }
 */
export type SegmentOutput = { mode: 'dry-run' } | { mode: 'in-place' } | { mode: 'out'; out: string }

/**
 * What happened to one segment file.
 * @example { file: 'recordings/a.ndjson', recordings: 8, changed: 2, values: 3, dropped: 0, written: 'recordings/a.ndjson' }
 */
export interface SegmentRedaction {
  file: string
  recordings: number
  /** Recordings in which at least one value changed. */
  changed: number
  /** Values replaced by a placeholder. */
  values: number
  /** Invalid lines left out (only with `dropInvalid`). */
  dropped: number
  /** Where the redacted segment was written; undefined when nothing was written. */
  written?: string
  /** Set when the file was not rewritten although it changed: an unfinalized (`.open`) segment a writer may still append to. */
  skipped?: string
  /** What was replaced, line by line (safe to print: masked hints and placeholders only). */
  findings: Array<RedactionFinding & { line: number }>
}

/**
 * Redacts every segment at `path`. Throws PARALLAX_RECORDING_INVALID, before writing anything, when a
 * segment has invalid lines and `dropInvalid` is not set (a rewrite would otherwise lose them).
 * @example const report = await redactSegments('recordings', { redactor, output: { mode: 'in-place' } })
 */
export async function redactSegments(
  path: string,
  options: { redactor: Redactor; output: SegmentOutput; dropInvalid?: boolean },
): Promise<SegmentRedaction[]> {
  const { files, folder } = await segmentFiles(path, 'redact recordings')
  // First every file is checked, so that an invalid line stops the run before anything is written; then
  // each file is loaded again, redacted and written in turn, holding one file's recordings at a time.
  if (!options.dropInvalid) {
    for (const file of files) {
      const { errors } = await loadRecordings(file)
      if (errors.length > 0) throw invalidLines(file, errors)
    }
  }
  const root = folder ? path : dirname(path)
  const results: SegmentRedaction[] = []
  for (const file of files) {
    const { recordings, errors } = await loadRecordings(file)
    const result: SegmentRedaction = {
      file,
      recordings: recordings.length,
      changed: 0,
      values: 0,
      dropped: errors.length,
      findings: [],
    }
    results.push(result)
    const redacted = recordings.map(({ recording, line }) => {
      const audit = options.redactor.audit(recording)
      if (audit.findings.length > 0) result.changed++
      result.values += audit.findings.length
      for (const finding of audit.findings) result.findings.push({ ...finding, line })
      return audit.recording
    })
    const { output } = options
    if (output.mode === 'dry-run') continue
    if (output.mode === 'in-place' && result.values === 0 && result.dropped === 0) continue
    if (output.mode === 'in-place' && file.endsWith('.open')) {
      result.skipped = 'it is still open (a writer may be appending to it): run again once it is finalized'
      continue
    }
    const target = output.mode === 'in-place' ? file : join(output.out, relative(root, file))
    const header = await segmentHeader(file)
    if (output.mode === 'out') {
      // A folder that cannot be created fails writeSegment too, which says so as PARALLAX_WRITE_FAILED.
      await mkdir(dirname(target), { recursive: true, mode: OWNER_ONLY_FOLDER_MODE }).catch(() => {})
    }
    // writeSegment writes a temp file (0600, `.tmp`), syncs it and renames it; `.ndjson.gz` stays gzip.
    await writeSegment(
      target,
      redacted,
      header === undefined ? {} : { creator: header.creator, createdAt: header.createdAt },
    )
    result.written = target
  }
  return results
}

function invalidLines(file: string, errors: readonly ParallaxError[]): ParallaxError {
  const lines = errors.map((error) => Number(error.details?.['line'] ?? 0))
  const what = lines.some((line) => line <= 1)
    ? 'it is not a readable segment'
    : lines.length > 1
      ? `lines ${lines.join(', ')} are invalid`
      : `line ${lines[0]} is invalid`
  return new ParallaxError(
    'PARALLAX_RECORDING_INVALID',
    `Failed to redact ${file}: ${what}, and rewriting it would lose ${lines.length > 1 ? 'them' : 'it'}.`,
    {
      hint: 'Fix or delete the invalid lines (`parallax inspect` lists them), or pass --drop-invalid to leave them out of the redacted file; nothing was written.',
      details: { file, lines },
    },
  )
}
