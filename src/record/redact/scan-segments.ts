/**
 * Looking for secrets in recordings on disk (`parallax scan`): every recording is audited by the redactor
 * without writing anything, and a line that does not load is scanned as raw text, so a broken line
 * cannot hide a secret; so is every line of a file that is not a segment at all (a HAR file, any text).
 * Findings carry masked hints only.
 */
import { loadRecordings } from '../../recording/load-recordings.ts'
import { readSegmentLines } from '../../recording/segment-lines.ts'
import type { RedactionFinding, Redactor } from './create-redactor.ts'
import { isGzip, segmentFiles, segmentHeader, segmentLines } from './segment-files.ts'

/**
 * One secret found in a segment.
 * @example { file: 'recordings/a.ndjson', line: 3, recording: 'r-1', where: 'inbound.request.url', rule: 'url-query-secret', hint: '… (32 chars)', placeholder: '%5Bredacted%3A…%5D' }
 */
export interface ScanFinding extends RedactionFinding {
  file: string
  line: number
  /** The recording's id, when the line loaded. */
  recording?: string
}

/**
 * What a scan found: secrets, and lines that could not be loaded (scanned as raw text when readable).
 * @example if (report.findings.length > 0) process.exitCode = EXIT.secretFound
 */
export interface ScanReport {
  files: number
  recordings: number
  findings: ScanFinding[]
  /** Lines or files that did not load, with a message that holds no line content. */
  problems: Array<{ file: string; line: number; message: string }>
}

/**
 * Scans every segment at `path` for secrets the redactor would replace.
 * @example const { findings } = await scanSegments('recordings', createRedactor())
 */
export async function scanSegments(path: string, redactor: Redactor): Promise<ScanReport> {
  const { files } = await segmentFiles(path, 'scan recordings')
  const report: ScanReport = { files: files.length, recordings: 0, findings: [], problems: [] }
  for (const file of files) {
    const { recordings, errors } = await loadRecordings(file)
    report.recordings += recordings.length
    for (const { recording, line } of recordings) {
      for (const finding of redactor.audit(recording).findings) {
        report.findings.push({ file, line, recording: recording.id, ...finding })
      }
    }
    const invalid = new Map(errors.map((error) => [Number(error.details?.['line'] ?? 0), error]))
    if (recordings.length === 0 && (await segmentHeader(file)) === undefined) {
      // Not a segment: the loader stopped at line 1, so every line of the file is scanned instead.
      for (const [line, error] of invalid) {
        report.problems.push({ file, line, message: safeMessage(error.message, redactor) })
      }
      report.findings.push(...(await scanRawLines(file, redactor)))
      continue
    }
    const texts = await segmentLines(file, new Set([...invalid.keys()].filter((line) => line > 0)))
    for (const [line, error] of invalid) {
      report.problems.push({ file, line, message: safeMessage(error.message, redactor) })
      const text = texts.get(line)
      if (text === undefined) continue
      for (const finding of redactor.auditText(text).findings) {
        report.findings.push({ file, line, ...finding, where: 'line (raw text: the line did not load)' })
      }
    }
  }
  return report
}

/** Every line of a file that is not a segment, audited as raw text (a line too long or not UTF-8 is skipped). */
async function scanRawLines(file: string, redactor: Redactor): Promise<ScanFinding[]> {
  const findings: ScanFinding[] = []
  for await (const entry of readSegmentLines(file, undefined, { gzip: isGzip(file) })) {
    if (entry.kind !== 'text') continue
    for (const finding of redactor.auditText(entry.text).findings) {
      findings.push({
        file,
        line: entry.line,
        ...finding,
        where: 'line (raw text: the file is not a segment)',
      })
    }
  }
  return findings
}

/**
 * A load error's message without any piece of the line: JSON.parse quotes the text around a syntax error,
 * which may hold a secret.
 * @example safeMessage('Failed to load recording a.ndjson:3: the line is not JSON (Unexpected token …).', redactor)
 */
export function safeMessage(message: string, redactor: Redactor): string {
  return redactor.text(message.replace(/the line is not JSON \(.*\)/s, 'the line is not JSON'))
}
