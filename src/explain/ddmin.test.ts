import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { propertySeed } from '../../test/support/property-seed.ts'
import { differingKeys, hybrid } from './config-keys.ts'
import { ddmin } from './ddmin.ts'

const seed = propertySeed('ddmin')
const keys = Array.from({ length: 32 }, (_, i) => `k${i}`)

describe('ddmin', () => {
  it('finds one guilty key of 32 in at most 2·log2(32)+2 tests', async () => {
    for (const guilty of keys) {
      const { minimal, tests } = await ddmin(keys, async (subset) => subset.includes(guilty))
      expect(minimal).toEqual([guilty])
      expect(tests).toBeLessThanOrEqual(2 * Math.log2(32) + 2)
    }
  })

  it('finds a 1-minimal set when the divergence needs several keys together', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom(...keys), { minLength: 1, maxLength: 4 }),
        async (needed) => {
          const fails = async (subset: readonly string[]) => needed.every((key) => subset.includes(key))
          const { minimal } = await ddmin(keys, fails)
          expect(await fails(minimal)).toBe(true)
          for (const key of minimal) expect(await fails(minimal.filter((k) => k !== key))).toBe(false)
          expect([...minimal].sort()).toEqual([...needed].sort())
        },
      ),
      { seed, numRuns: 60 },
    )
  })
})

describe('config keys', () => {
  const local = { config: { decoder: { bufferSize: 65536 }, log: 'debug', region: 'eu' }, tz: 'UTC' }
  const production = {
    config: { decoder: { bufferSize: 64 }, log: 'debug', extra: [1] },
    env: { MODE: 'prod' },
  }

  it('differingKeys: nested config paths, env vars, tz and keys set on one side only', () => {
    expect(differingKeys(local, production)).toEqual([
      'config.decoder.bufferSize',
      'config.extra',
      'config.region',
      'env.MODE',
      'tz',
    ])
  })

  it('hybrid: the base with some keys as the other variant sets them (or unset)', () => {
    expect(
      hybrid(local, production, ['config.decoder.bufferSize', 'config.region', 'env.MODE', 'tz']),
    ).toEqual({
      config: { decoder: { bufferSize: 64 }, log: 'debug' },
      env: { MODE: 'prod' },
    })
    expect(local.config.decoder.bufferSize).toBe(65536)
  })
})
