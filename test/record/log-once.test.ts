/**
 * The register flow logs the recorder's own failures once per kind: distinct failures of one error code
 * (a segment that cannot be opened, a status file that cannot be written) are each logged once.
 */
import { describe, expect, it } from 'vitest'
import { createLogOnce, failureKind } from '../../src/record/log-once.ts'
import { DiskFailure } from '../../src/record/sink/segment-file.ts'
import { diskError, otherError, queueFullError } from '../../src/record/sink/writer-failures.ts'
import { ParallaxError } from '../../src/recording/errors.ts'

function eexist(): NodeJS.ErrnoException {
  return Object.assign(new Error("EEXIST: file already exists, mkdir 'afile'"), { code: 'EEXIST' })
}

describe('record: logging the recorder’s failures once per kind', () => {
  it('createLogOnce: each kind of writer failure is logged once, with its hint', () => {
    const lines: string[] = []
    const log = createLogOnce((line) => lines.push(line))
    const status = otherError(
      'status',
      'Failed to write writer status x.writer.json',
      eexist(),
      'Check the disk.',
    )
    const open = diskError(new DiskFailure('open', 'afile/x.ndjson.open', eexist()), 2)
    log(status.error)
    log(open.error)
    log(status.error)
    log(open.error)
    log(queueFullError('r1', 10, 5, 12).error)
    expect(lines.map((line) => line.split(' (further')[0])).toEqual([
      `[parallax] recorder: ${status.error.message}`,
      `[parallax] recorder: ${open.error.message}`,
      `[parallax] recorder: ${queueFullError('r1', 10, 5, 12).error.message}`,
    ])
    expect(lines[0]).toContain(
      '(further status:EEXIST failures are counted, not logged)\n  hint: Check the disk.',
    )
    expect(lines[1]).toContain('(further open:EEXIST failures are counted, not logged)')
  })

  it('failureKind: kinds name no recording, so one failure repeated per request stays one kind', () => {
    const redact = (id: string) =>
      new ParallaxError('PARALLAX_WRITE_FAILED', `Failed to redact recording ${id}: the redactor threw.`)
    expect(failureKind(redact('a'))).toBe(failureKind(redact('b')))
    expect(failureKind(redact('a'))).toBe('PARALLAX_WRITE_FAILED:redact')
    expect(failureKind(new ParallaxError('PARALLAX_WRITE_FAILED', 'Failed to hand over recording a.'))).toBe(
      'PARALLAX_WRITE_FAILED:hand',
    )
    expect(failureKind(eexist())).toBe('EEXIST')
    expect(failureKind(new TypeError('x'))).toBe('TypeError')
  })
})
