import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { isParallaxError } from './errors.ts'
import { parseRecording, type recordingSchema, segmentHeaderSchema } from './schema.ts'
import type { Recording, SegmentHeader } from './types.ts'

// Compile-time: `npx tsc --noEmit` fails when the schema and the types drift apart in either direction.
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const recordingTypesAgree: Mutual<z.infer<typeof recordingSchema>, Recording> = true
const headerTypesAgree: Mutual<z.infer<typeof segmentHeaderSchema>, SegmentHeader> = true

const where = { file: 'recordings/a.ndjson', line: 7 }

function recording(): Recording {
  return {
    id: 'r1',
    recordedAt: '2026-11-24T08:00:00.000Z',
    meta: { service: 'copilot', environment: 'production' },
    inbound: {
      request: { method: 'GET', url: 'http://127.0.0.1/x', headers: [['accept', '*/*']] },
      response: {
        status: 200,
        headers: [],
        body: { encoding: 'utf8', text: 'ok', size: 2, sha256: 'a'.repeat(64) },
        chunks: [{ offsetMs: 0, size: 2 }],
      },
      startedAtMs: 0,
      durationMs: 3,
    },
    outbound: [],
    nondeterminism: { clock: [1], random: [0.5], uuids: [] },
    checkpoints: [{ name: 'parse', value: { $parallax: 'bigint', value: '1' } }],
  }
}

function failure(value: unknown): { message: string; field: unknown } {
  try {
    parseRecording(value, where)
  } catch (error) {
    if (!isParallaxError(error, 'PARALLAX_RECORDING_INVALID')) throw error
    return { message: error.message, field: error.details?.['field'] }
  }
  throw new Error('expected parseRecording to throw')
}

describe('recording schema', () => {
  it('recordingSchema: its inferred type and Recording are mutually assignable', () => {
    expect([recordingTypesAgree, headerTypesAgree]).toEqual([true, true])
  })

  it('parseRecording: accepts a valid recording and returns it unchanged', () => {
    expect(parseRecording(recording(), where)).toEqual(recording())
  })

  it('parseRecording: names file, line and field for a wrong type', () => {
    const bad = recording() as unknown as { inbound: { response: { status: unknown } } }
    bad.inbound.response.status = '200'
    expect(failure(bad)).toEqual({
      message:
        'Failed to load recording recordings/a.ndjson:7: inbound.response.status is a string, expected number.',
      field: 'inbound.response.status',
    })
  })

  it('parseRecording: names a missing field and an index inside a header list', () => {
    const missing = recording() as Partial<Recording>
    delete missing.nondeterminism
    expect(failure(missing).message).toBe(
      'Failed to load recording recordings/a.ndjson:7: nondeterminism is missing (expected object).',
    )
    const header = recording()
    header.inbound.request.headers = [['accept', 5 as unknown as string]]
    expect(failure(header).field).toBe('inbound.request.headers[0][1]')
  })

  it('parseRecording: refuses unknown keys, an unknown body encoding and oversized strings', () => {
    expect(failure({ ...recording(), extra: 1 }).message).toMatch(/: the line has unknown keys "extra"\.$/)
    const hex = recording()
    ;(hex.inbound.response.body as unknown as { encoding: string }).encoding = 'hex'
    expect(failure(hex).field).toBe('inbound.response.body.encoding')
    expect(failure({ ...recording(), id: 'x'.repeat(2000) }).message).toMatch(
      /: id is too big \(at most 1024 characters\)\.$/,
    )
    const digest = recording()
    ;(digest.inbound.response.body as { sha256: string }).sha256 = 'nope'
    expect(failure(digest).message).toMatch(
      /inbound\.response\.body\.sha256 is not a lowercase hex SHA-256\.$/,
    )
  })

  it('parseRecording: a checkpoint must hold a value key', () => {
    const checkpointless = recording()
    checkpointless.checkpoints = [{ name: 'parse' } as never]
    expect(failure(checkpointless)).toMatchObject({ field: 'checkpoints[0].value' })
    expect(failure(checkpointless).message).toMatch(/checkpoints\[0\]\.value is missing\.$/)
  })

  it('parseRecording: a line that is not an object is reported for the line itself', () => {
    expect(failure([1, 2]).message).toBe(
      'Failed to load recording recordings/a.ndjson:7: the line is an array, expected object.',
    )
  })

  it('segmentHeaderSchema: accepts only this format and version', () => {
    const header = {
      format: 'parallax-recording',
      version: 1,
      creator: { name: 'p', version: '1' },
      createdAt: 'now',
    }
    expect(segmentHeaderSchema.safeParse(header).success).toBe(true)
    expect(segmentHeaderSchema.safeParse({ ...header, version: 2 }).success).toBe(false)
    expect(segmentHeaderSchema.safeParse({ ...header, format: 'har' }).success).toBe(false)
  })
})
