import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isParallaxError, loadRecordings, recordingSchema, writeSegment } from '../../src/recording/index.ts'
import { propertySeed } from '../support/property-seed.ts'
import { greetingRecording } from '../support/recordings.ts'

const seed = propertySeed('segment fuzz')

type Path = Array<string | number>

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length > 0) out.push(prefix)
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      paths(item, [...prefix, Array.isArray(value) ? Number(key) : key], out)
    }
  }
  return out
}

function setAt(root: unknown, path: Path, replacement: unknown): void {
  let target = root as Record<string | number, unknown>
  for (const step of path.slice(0, -1)) target = target[step] as Record<string | number, unknown>
  target[path.at(-1)!] = replacement
}

/** Rewrites one JSON line of the segment, replacing a value at a chosen path. */
function rewriteField(text: string, lineIndex: number, pick: number, replacement: unknown): string {
  const lines = text.split('\n')
  const index = lineIndex % lines.length
  let value: unknown
  try {
    value = JSON.parse(lines[index]!)
  } catch {
    return text
  }
  const all = paths(value)
  if (all.length === 0) return text
  setAt(value, all[pick % all.length]!, replacement)
  lines[index] = JSON.stringify(value)
  return lines.join('\n')
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('flip' as const),
    line: fc.nat(),
    pick: fc.nat(),
    replacement: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({
    kind: fc.constant('huge' as const),
    line: fc.nat(),
    pick: fc.nat(),
    size: fc.integer({ min: 1, max: 2e6 }),
  }),
  fc.record({
    kind: fc.constant('deep' as const),
    at: fc.nat(),
    depth: fc.integer({ min: 100, max: 50_000 }),
  }),
  fc.record({
    kind: fc.constant('bytes' as const),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
  }),
)

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never

function mutate(bytes: Buffer, change: Mutation): Buffer {
  switch (change.kind) {
    case 'truncate':
      return bytes.subarray(0, change.at % (bytes.length + 1))
    case 'flip':
      return Buffer.from(rewriteField(bytes.toString('utf8'), change.line, change.pick, change.replacement))
    case 'huge':
      return Buffer.from(
        rewriteField(bytes.toString('utf8'), change.line, change.pick, 'x'.repeat(change.size)),
      )
    case 'deep': {
      const at = change.at % (bytes.length + 1)
      const nest = '['.repeat(change.depth) + ']'.repeat(change.depth)
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(nest), bytes.subarray(at)])
    }
    case 'bytes': {
      const copy = Buffer.from(bytes)
      for (const [position, byte] of change.edits) if (copy.length > 0) copy[position % copy.length] = byte
      return copy
    }
  }
}

describe('segment fuzz', () => {
  it('loadRecordings: a mutated segment gives valid recordings or typed errors naming file and line, never a crash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-'))
    const pristine = join(dir, 'pristine.ndjson')
    const recordings = [greetingRecording('ada'), greetingRecording('bob'), greetingRecording('cy')]
    await writeSegment(pristine, recordings, { createdAt: '2026-11-24T08:00:00.000Z' })
    const original = await readFile(pristine)
    let run = 0
    const seen = { recordings: 0, errors: 0 }
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (changes) => {
        const file = join(dir, `mutant-${run++}.ndjson`)
        await writeFile(file, changes.reduce(mutate, original))
        const result = await loadRecordings(file)
        for (const loaded of result.recordings) {
          expect(loaded.file).toBe(file)
          expect(recordingSchema.safeParse(loaded.recording).success).toBe(true)
        }
        for (const error of result.errors) {
          expect(isParallaxError(error, 'PARALLAX_RECORDING_INVALID')).toBe(true)
          expect(error.message).toContain(file)
          expect(error.details).toMatchObject({ file, line: expect.any(Number) })
          expect(error.message).toMatch(/^Failed to load (recording|segment) .*\.$/s)
        }
        seen.recordings += result.recordings.length
        seen.errors += result.errors.length
      }),
      { seed, numRuns: 200 },
    )
    // Both outcomes must have come up, or the mutations were too weak (or too strong) to test anything.
    expect(seen.recordings).toBeGreaterThan(0)
    expect(seen.errors).toBeGreaterThan(0)
  })
})
