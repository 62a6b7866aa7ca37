import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { headerListFromBlock } from '../../src/record/header-list.ts'
import { propertySeed } from '../support/property-seed.ts'

const seed = propertySeed('header-list')

/** The plain reading of a header block: every line after the start line, split at its first colon. */
function reference(block: string): Array<[string, string]> {
  const list: Array<[string, string]> = []
  for (const line of block.split('\r\n').slice(1)) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    list.push([line.slice(0, colon), line.slice(colon + 1).trim()])
  }
  return list
}

describe('record: header blocks', () => {
  it('headerListFromBlock reads names, values, order and repeats of the block Node wrote', () => {
    const block =
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Empty:\r\n\r\n'
    expect(headerListFromBlock(block)).toEqual([
      ['Content-Type', 'application/json'],
      ['Set-Cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['X-Empty', ''],
    ])
  })

  it('headerListFromBlock agrees with splitting the block into lines, on any block', () => {
    const piece = fc.constantFrom('\r\n', ':', ' ', 'a', 'B', '\r', '\n', ': v', 'X-K')
    const block = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(''))
    fc.assert(
      fc.property(block, (text) => {
        expect(headerListFromBlock(text)).toEqual(reference(text))
      }),
      { seed, numRuns: 2000 },
    )
  })
})
