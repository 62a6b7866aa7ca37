import { describe, expect, it } from 'vitest'
import { isParallaxError } from '../../src/recording/errors.ts'
import { defineScenario, resolveScenario } from '../../src/scenario/index.ts'

const base = {
  name: 'api',
  pipeline: { module: './pipeline.ts' },
  recordings: './recordings',
  variants: { local: { config: {} }, production: { config: {} } },
}

describe('scenario noise rules and expectations', () => {
  it('defineScenario checks noise rules where they are written, naming the file that defines it and the rule', () => {
    let error: unknown
    try {
      defineScenario({ ...base, noise: { ignore: ['$.ok', '$.bad['] } })
    } catch (caught) {
      error = caught
    }
    expect(isParallaxError(error, 'PARALLAX_USAGE')).toBe(true)
    expect((error as Error).message).toContain('test/scenario/scenario-noise.test.ts noise.ignore[1]')
  })

  it('defineScenario rejects a malformed expectation, and resolves a missing one to agree', () => {
    for (const bad of ['diverge', { divergeAt: '' }, { at: 'decode' }]) {
      expect(() => defineScenario({ ...base, expect: bad as never })).toThrow(/expect/)
    }
    expect(resolveScenario(defineScenario(base), '/tmp/scenarios/api.ts').expect).toBe('agree')
    const known = defineScenario({ ...base, expect: { divergeAt: 'decode' } })
    expect(resolveScenario(known, '/tmp/scenarios/api.ts').expect).toEqual({ divergeAt: 'decode' })
  })

  it('resolveScenario compiles the rules for the comparison', () => {
    const scenario = defineScenario({
      ...base,
      noise: { ignore: ['**.requestId'], tolerance: [{ path: '**.score', absolute: 0.01 }] },
    })
    const resolved = resolveScenario(scenario, '/tmp/scenarios/api.ts')
    expect(resolved.noise.rules.map((rule) => rule.label)).toEqual([
      'ignore **.requestId',
      'tolerance **.score ±0.01',
    ])
  })
})
