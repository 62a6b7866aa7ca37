import * as nodeCrypto from 'node:crypto'
import { randomUUID as importedRandomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { seedEpochMs } from '../../../src/replay/clock/index.ts'
import { newDateMs, withDeterminism } from './with-determinism.ts'

const RECORDED = {
  clock: [1_764_000_000_000, 1_764_000_000_250],
  random: [0.125, 0.75],
  uuids: ['0b5a1c7e-1111-4222-8333-444455556666', '0b5a1c7e-7777-4888-9999-aaaabbbbcccc'],
}
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

function readEverything() {
  return {
    clock: [Date.now(), newDateMs(), Date.now(), Date.now()],
    random: [Math.random(), Math.random(), Math.random(), Math.random()],
    uuids: [crypto.randomUUID(), nodeCrypto.randomUUID(), importedRandomUUID(), crypto.randomUUID()],
  }
}

describe('installDeterminism: recorded values, then a seeded continuation', () => {
  it('installDeterminism: serves recorded clock, random and UUID reads in order, then continues', async () => {
    const { result, determinism } = await withDeterminism(RECORDED, 1234, readEverything)

    expect(result.clock).toEqual([1_764_000_000_000, 1_764_000_000_250, 1_764_000_000_250, 1_764_000_000_250])
    expect(result.random.slice(0, 2)).toEqual([0.125, 0.75])
    for (const value of result.random.slice(2)) {
      expect(value).toBeGreaterThanOrEqual(0)
      expect(value).toBeLessThan(1)
    }
    expect(result.random[2]).not.toBe(result.random[3])
    expect(result.uuids.slice(0, 2)).toEqual(RECORDED.uuids)
    expect(result.uuids[2]).toMatch(UUID_V4)
    expect(result.uuids[3]).toMatch(UUID_V4)
    expect(result.uuids[2]).not.toBe(result.uuids[3])
    expect(determinism.consumed()).toEqual({ clock: 2, random: 2, uuids: 2 })
    expect(determinism.violations).toEqual([])
  })

  it('installDeterminism: the same seed continues with the same values, another seed with others', async () => {
    const first = await withDeterminism(RECORDED, 1234, readEverything)
    const again = await withDeterminism(RECORDED, 1234, readEverything)
    const other = await withDeterminism(RECORDED, 99, readEverything)

    expect(again.result).toEqual(first.result)
    expect(other.result.random.slice(2)).not.toEqual(first.result.random.slice(2))
    expect(other.result.uuids.slice(2)).not.toEqual(first.result.uuids.slice(2))
  })

  it('installDeterminism: with no recorded clock, stands still at an epoch derived from the seed', async () => {
    const { result } = await withDeterminism({}, 1234, () => [Date.now(), newDateMs(), Date.now()])
    const other = await withDeterminism({}, 99, () => Date.now())

    expect(result).toEqual([seedEpochMs(1234), seedEpochMs(1234), seedEpochMs(1234)])
    expect(new Date(result[0]!).getUTCFullYear()).toBe(2020)
    expect(other.result).not.toBe(result[0])
  })

  it('installDeterminism: two installs in a row each start from their own recording', async () => {
    const first = await withDeterminism(
      { clock: [10], random: [0.1], uuids: [RECORDED.uuids[0]!] },
      1,
      () => [Date.now(), Math.random(), crypto.randomUUID()],
    )
    const second = await withDeterminism(
      { clock: [20], random: [0.2], uuids: [RECORDED.uuids[1]!] },
      1,
      () => [Date.now(), Math.random(), crypto.randomUUID()],
    )

    expect(first.result).toEqual([10, 0.1, RECORDED.uuids[0]])
    expect(second.result).toEqual([20, 0.2, RECORDED.uuids[1]])
  })

  it('installDeterminism: counts only the recorded values served, not the continuation', async () => {
    const { determinism } = await withDeterminism({ clock: [1, 2, 3], random: [0.5] }, 1, () => {
      Date.now()
      Math.random()
      Math.random()
    })

    expect(determinism.consumed()).toEqual({ clock: 1, random: 1, uuids: 0 })
  })
})
