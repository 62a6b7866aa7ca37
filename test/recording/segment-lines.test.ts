import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { jsonNestsDeeperThan, readSegmentLines, type SegmentLine } from '../../src/recording/segment-lines.ts'

async function linesOf(content: string | Buffer, maxLineBytes?: number): Promise<SegmentLine[]> {
  const file = join(await mkdtemp(join(tmpdir(), 'parallax-')), 'lines.ndjson')
  await writeFile(file, content)
  const out: SegmentLine[] = []
  for await (const line of readSegmentLines(file, maxLineBytes)) out.push(line)
  return out
}

describe('segment lines', () => {
  it('readSegmentLines: splits on newlines, drops a CR before them and marks a last line without newline as torn', async () => {
    expect(await linesOf('a\r\n\nb\nc')).toEqual([
      { kind: 'text', line: 1, text: 'a', torn: false },
      { kind: 'text', line: 2, text: '', torn: false },
      { kind: 'text', line: 3, text: 'b', torn: false },
      { kind: 'text', line: 4, text: 'c', torn: true },
    ])
  })

  it('readSegmentLines: reports a line past the byte bound by its size and keeps reading after it', async () => {
    expect(await linesOf(`ok\n${'x'.repeat(100)}\nnext\n`, 10)).toEqual([
      { kind: 'text', line: 1, text: 'ok', torn: false },
      { kind: 'too-long', line: 2, bytes: 100, torn: false },
      { kind: 'text', line: 3, text: 'next', torn: false },
    ])
  })

  it('readSegmentLines: a line across many stream chunks is put back together', async () => {
    const long = 'é'.repeat(3 * 1024 * 1024)
    const [first] = await linesOf(`${long}\n`)
    expect(first).toEqual({ kind: 'text', line: 1, text: long, torn: false })
  })

  it('readSegmentLines: invalid UTF-8 is reported for its line only', async () => {
    const content = Buffer.concat([Buffer.from('a\n'), Buffer.from([0xff, 0xfe]), Buffer.from('\nb\n')])
    expect((await linesOf(content)).map((line) => line.kind)).toEqual(['text', 'not-utf8', 'text'])
  })

  it('jsonNestsDeeperThan: counts brackets outside strings only', () => {
    expect(jsonNestsDeeperThan('[[1]]', 2)).toBe(false)
    expect(jsonNestsDeeperThan('[[[1]]]', 2)).toBe(true)
    expect(jsonNestsDeeperThan('{"a":{"b":{}}}', 2)).toBe(true)
    expect(jsonNestsDeeperThan('["[[[[", "\\"[[[["]', 1)).toBe(false)
    expect(jsonNestsDeeperThan('[]'.repeat(1000), 1)).toBe(false)
  })
})
