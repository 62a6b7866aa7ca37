import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  bodyFromBytes,
  createNdjsonStore,
  decodeCanonical,
  encodeCanonical,
  loadRecordings,
  ParallaxError,
  type Recording,
  recordingSchema,
  segmentHeaderSchema,
  writeSegment,
} from '../../src/recording/index.ts'
import { greetingRecording } from '../support/recordings.ts'

const CREATED_AT = '2026-11-24T08:00:00.000Z'
const header = JSON.stringify({
  format: 'parallax-recording',
  version: 1,
  creator: { name: 'test', version: '0' },
  createdAt: CREATED_AT,
})

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'parallax-'))
}

function withCheckpoint(recording: Recording, value: unknown): Recording {
  return { ...recording, checkpoints: [{ name: 'parse', value: encodeCanonical(value) }] }
}

describe('NDJSON store', () => {
  it('writeSegment → loadRecordings: gives back the same recordings with their file and line', async () => {
    const dir = await tempDir()
    const file = join(dir, 'nested', 'a.ndjson')
    const recordings = [
      withCheckpoint(greetingRecording('ada'), new Map([['k', 1n]])),
      greetingRecording('bob'),
    ]
    await writeSegment(file, recordings, { createdAt: CREATED_AT })
    const { recordings: loaded, errors } = await loadRecordings(file)
    expect(errors).toEqual([])
    expect(loaded).toEqual([
      { recording: recordings[0], file, line: 2 },
      { recording: recordings[1], file, line: 3 },
    ])
    expect(decodeCanonical(loaded[0]!.recording.checkpoints![0]!.value)).toEqual(new Map([['k', 1n]]))
  })

  it('writeSegment: writes a header and sorted keys, byte-for-byte reproducible with createdAt', async () => {
    const dir = await tempDir()
    const recordings = [greetingRecording('ada')]
    await writeSegment(join(dir, 'one.ndjson'), recordings, { createdAt: CREATED_AT })
    await writeSegment(join(dir, 'two.ndjson'), recordings, { createdAt: CREATED_AT })
    const text = await readFile(join(dir, 'one.ndjson'), 'utf8')
    expect(text).toBe(await readFile(join(dir, 'two.ndjson'), 'utf8'))
    const lines = text.split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[2]).toBe('')
    expect(segmentHeaderSchema.parse(JSON.parse(lines[0]!))).toEqual({
      format: 'parallax-recording',
      version: 1,
      creator: { name: 'parallax', version: expect.any(String) },
      createdAt: CREATED_AT,
    })
    expect(lines[1]!.startsWith('{"checkpoints"') || lines[1]!.startsWith('{"id"')).toBe(true)
    expect(recordingSchema.safeParse(JSON.parse(lines[1]!)).success).toBe(true)
    expect(await readdir(dir)).toEqual(['one.ndjson', 'two.ndjson'])
  })

  it('writeSegment: refuses an invalid recording, leaves no file behind and names the field', async () => {
    const dir = await tempDir()
    const bad = { ...greetingRecording('ada'), outbound: [{ nope: true }] } as unknown as Recording
    const write = writeSegment(join(dir, 'bad.ndjson'), [greetingRecording('bob'), bad], {
      createdAt: CREATED_AT,
    })
    await expect(write).rejects.toThrow(
      expect.objectContaining({
        code: 'PARALLAX_WRITE_FAILED',
        message: expect.stringMatching(/recording 1 outbound\[0\]\.request is missing/),
      }),
    )
    expect(await readdir(dir)).toEqual([])
  })

  it('writeSegment: refuses two recordings with the same id', async () => {
    const dir = await tempDir()
    const twice = writeSegment(join(dir, 'twice.ndjson'), [
      greetingRecording('ada'),
      greetingRecording('ada'),
    ])
    await expect(twice).rejects.toThrow(/recording 1 its id "greet-ada" is also the id of recording 0/)
  })

  it('loadRecordings: a folder loads every .ndjson below it, sorted by path, and ignores other files', async () => {
    const dir = await tempDir()
    await writeSegment(join(dir, 'b.ndjson'), [greetingRecording('bob')], { createdAt: CREATED_AT })
    await writeSegment(join(dir, 'a', 'z.ndjson'), [greetingRecording('ada')], { createdAt: CREATED_AT })
    await writeSegment(join(dir, 'c.ndjson'), [greetingRecording('cy'), greetingRecording('di')])
    await writeFile(join(dir, 'notes.txt'), 'not a segment')
    const { recordings, errors } = await loadRecordings(dir)
    expect(errors).toEqual([])
    expect(recordings.map((r) => `${r.recording.id}@${r.file.slice(dir.length)}:${r.line}`)).toEqual([
      'greet-ada@/a/z.ndjson:2',
      'greet-bob@/b.ndjson:2',
      'greet-cy@/c.ndjson:2',
      'greet-di@/c.ndjson:3',
    ])
  })

  it('loadRecordings: a bad line in the middle is one error naming file:line:field, the others load', async () => {
    const dir = await tempDir()
    const file = join(dir, 'mixed.ndjson')
    const bad = {
      ...greetingRecording('bad'),
      inbound: { ...greetingRecording('bad').inbound, durationMs: 'slow' },
    }
    const lines = [
      header,
      JSON.stringify(greetingRecording('ada')),
      '',
      JSON.stringify(bad),
      '{"id": "torn',
      JSON.stringify(greetingRecording('bob')),
    ]
    await writeFile(file, lines.join('\n') + '\n')
    const { recordings, errors } = await loadRecordings(file)
    expect(recordings.map((r) => [r.recording.id, r.line])).toEqual([
      ['greet-ada', 2],
      ['greet-bob', 6],
    ])
    expect(errors.map((e) => [e.code, e.message, e.details])).toEqual([
      [
        'PARALLAX_RECORDING_INVALID',
        `Failed to load recording ${file}:4: inbound.durationMs is a string, expected number.`,
        { file, line: 4, field: 'inbound.durationMs' },
      ],
      [
        'PARALLAX_RECORDING_INVALID',
        expect.stringMatching(new RegExp(`^Failed to load recording ${file}:5: the line is not JSON \\(`)),
        { file, line: 5 },
      ],
    ])
    expect(errors[0]!.hint).toMatch(/other lines still load/)
  })

  it('loadRecordings: a torn last line is reported like any bad line, naming the missing newline', async () => {
    const dir = await tempDir()
    const file = join(dir, 'torn.ndjson')
    const full = JSON.stringify(greetingRecording('bob'))
    await writeFile(file, `${header}\n${JSON.stringify(greetingRecording('ada'))}\n${full.slice(0, 40)}`)
    const { recordings, errors } = await loadRecordings(file)
    expect(recordings).toHaveLength(1)
    expect(errors).toHaveLength(1)
    expect(errors[0]!.message).toMatch(/:3: the line is not JSON .*the file ends without a newline/)
  })

  it('loadRecordings: a later duplicate id is an error for the later line', async () => {
    const dir = await tempDir()
    await writeSegment(join(dir, 'a.ndjson'), [greetingRecording('ada')], { createdAt: CREATED_AT })
    await writeSegment(join(dir, 'b.ndjson'), [greetingRecording('ada')], { createdAt: CREATED_AT })
    const { recordings, errors } = await loadRecordings(dir)
    expect(recordings.map((r) => r.file)).toEqual([join(dir, 'a.ndjson')])
    expect(errors.map((e) => e.message)).toEqual([
      `Failed to load recording ${join(dir, 'b.ndjson')}:2: id "greet-ada" is already used by ${join(dir, 'a.ndjson')}:2.`,
    ])
  })

  it('loadRecordings: a file of another format version is one error and loads nothing', async () => {
    const dir = await tempDir()
    const file = join(dir, 'future.ndjson')
    const future = JSON.parse(header)
    future.version = 2
    await writeFile(file, `${JSON.stringify(future)}\n${JSON.stringify(greetingRecording('ada'))}\n`)
    const { recordings, errors } = await loadRecordings(file)
    expect(recordings).toEqual([])
    expect(errors.map((e) => [e.code, e.message, e.hint])).toEqual([
      [
        'PARALLAX_RECORDING_INVALID',
        `Failed to load segment ${file}: it is parallax-recording version 2, and this parallax reads version 1.`,
        expect.stringMatching(/^Upgrade parallax/),
      ],
    ])
  })

  it('loadRecordings: a file without a header is one error and loads nothing', async () => {
    const dir = await tempDir()
    const file = join(dir, 'headless.ndjson')
    await writeFile(file, `${JSON.stringify(greetingRecording('ada'))}\n`)
    const { recordings, errors } = await loadRecordings(file)
    expect(recordings).toEqual([])
    expect(errors.map((e) => e.message)).toEqual([
      `Failed to load segment ${file}: it does not start with a parallax-recording header (line 1: its format is missing).`,
    ])
  })

  it('loadRecordings: a missing path throws PARALLAX_NOT_FOUND with a hint', async () => {
    const missing = join(await tempDir(), 'nowhere')
    const error = await loadRecordings(missing).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(ParallaxError)
    expect(error).toMatchObject({
      code: 'PARALLAX_NOT_FOUND',
      message: `Failed to load recordings ${missing}: no such file or folder.`,
      hint: expect.stringMatching(/\.ndjson segment or a folder/),
    })
  })

  it('loadRecordings: hostile __proto__ keys in bodies and checkpoint values never reach a prototype', async () => {
    const dir = await tempDir()
    const file = join(dir, 'hostile.ndjson')
    const hostile = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'
    const recording = {
      ...greetingRecording('ada'),
      checkpoints: [{ name: 'parse', value: JSON.parse(hostile) }],
    }
    recording.inbound.request.body = bodyFromBytes(Buffer.from(hostile))
    const line = JSON.stringify(recording).replace(
      '"checkpoints":[',
      `"checkpoints":[{"name":"raw","value":${hostile}},`,
    )
    await writeFile(file, `${header}\n${line}\n${hostile}\n`)
    const { recordings, errors } = await loadRecordings(file)
    expect(recordings).toHaveLength(1)
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/:3: id is missing \(expected string\)\.$/),
    ])
    for (const checkpoint of recordings[0]!.recording.checkpoints!) decodeCanonical(checkpoint.value)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })

  it('loadRecordings: a line nested 100 000 levels deep is a typed error, the rest loads', async () => {
    const dir = await tempDir()
    const file = join(dir, 'deep.ndjson')
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    const recording = JSON.stringify(greetingRecording('ada'))
    const deepCheckpoint = recording.replace(/}$/, `,"checkpoints":[{"name":"x","value":${deep}}]}`)
    await writeFile(file, [header, deep, deepCheckpoint, JSON.stringify(greetingRecording('bob'))].join('\n'))
    const { recordings, errors } = await loadRecordings(file)
    expect(recordings.map((r) => r.recording.id)).toEqual(['greet-bob'])
    expect(errors.map((e) => [e.code, e.details])).toEqual([
      ['PARALLAX_RECORDING_INVALID', { file, line: 2 }],
      ['PARALLAX_RECORDING_INVALID', { file, line: 3 }],
    ])
    expect(errors[0]!.message).toMatch(/:2: the line nests deeper than \d+ levels\.$/)
  })

  it('loadRecordings: a folder named like a segment is walked into, not read as a file', async () => {
    const dir = await tempDir()
    await writeSegment(join(dir, 'a.ndjson'), [greetingRecording('ada')], { createdAt: CREATED_AT })
    await mkdir(join(dir, 'b.ndjson', 'inside'), { recursive: true })
    await writeSegment(join(dir, 'b.ndjson', 'inside', 'c.ndjson'), [greetingRecording('cy')])
    const { recordings, errors } = await loadRecordings(dir)
    expect(recordings.map((r) => r.recording.id)).toEqual(['greet-ada', 'greet-cy'])
    expect(errors).toEqual([])
  })

  it('createNdjsonStore: write(name) then load() round-trips through <root>/<name>.ndjson', async () => {
    const root = join(await tempDir(), 'recordings')
    const store = createNdjsonStore(root)
    expect(store.location).toBe(root)
    const file = await store.write('checkout', [greetingRecording('ada')], { createdAt: CREATED_AT })
    expect(file).toBe(join(root, 'checkout.ndjson'))
    const { recordings, errors } = await store.load()
    expect(errors).toEqual([])
    expect(recordings.map((r) => r.recording)).toEqual([greetingRecording('ada')])
    await expect(store.write('../escape', [])).rejects.toThrow(
      expect.objectContaining({ code: 'PARALLAX_USAGE' }),
    )
  })
})
