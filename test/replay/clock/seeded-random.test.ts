import { describe, expect, it } from 'vitest'
import { createSeededRandom, seededUuid } from '../../../src/replay/clock/index.ts'

describe('createSeededRandom', () => {
  it('createSeededRandom: one seed and stream give one sequence, in [0, 1)', () => {
    const draw = (seed: number, stream: number) => {
      const random = createSeededRandom(seed, stream)
      return Array.from({ length: 1000 }, () => random.next())
    }
    const values = draw(1234, 1)

    expect(draw(1234, 1)).toEqual(values)
    expect(draw(1234, 2)).not.toEqual(values)
    expect(draw(1235, 1)).not.toEqual(values)
    expect(draw(1234 + 2 ** 32, 1)).not.toEqual(values)
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true)
    expect(new Set(values).size).toBe(values.length)
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length
    expect(mean).toBeGreaterThan(0.45)
    expect(mean).toBeLessThan(0.55)
  })

  it('createSeededRandom: fill writes every byte, including a tail shorter than a word', () => {
    const bytes = new Uint8Array(7)
    createSeededRandom(1, 1).fill(bytes)
    const again = new Uint8Array(7)
    createSeededRandom(1, 1).fill(again)

    expect(again).toEqual(bytes)
    expect(bytes.some((byte, index) => index >= 4 && byte !== 0)).toBe(true)
  })

  it('seededUuid: draws distinct v4-shaped UUIDs', () => {
    const random = createSeededRandom(9, 2)
    const uuids = Array.from({ length: 200 }, () => seededUuid(random))

    for (const uuid of uuids)
      expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(new Set(uuids).size).toBe(uuids.length)
  })
})
