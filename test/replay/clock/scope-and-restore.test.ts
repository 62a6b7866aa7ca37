import nodeCrypto, * as cryptoNamespace from 'node:crypto'
import httpModule, * as httpNamespace from 'node:http'
import { describe, expect, it } from 'vitest'
import { createPatchRegistry } from '../../../src/record/patch-registry.ts'
import { installDeterminism } from '../../../src/replay/clock/index.ts'
import { runInFrameworkScope } from '../../../src/replay/framework-scope.ts'
import { NOTHING_RECORDED, newDateMs, withDeterminism } from './with-determinism.ts'

function identities() {
  return {
    Date: globalThis.Date,
    dateNow: Date.now,
    mathRandom: Math.random,
    performanceNow: performance.now,
    ownPerformanceNow: Object.hasOwn(performance, 'now'),
    cryptoRandomUUID: crypto.randomUUID,
    ownCryptoRandomUUID: Object.hasOwn(crypto, 'randomUUID'),
    getRandomValues: crypto.getRandomValues,
    ownGetRandomValues: Object.hasOwn(crypto, 'getRandomValues'),
    moduleRandomUUID: nodeCrypto.randomUUID,
    randomBytes: nodeCrypto.randomBytes,
    randomInt: nodeCrypto.randomInt,
    randomFill: nodeCrypto.randomFill,
    randomFillSync: nodeCrypto.randomFillSync,
    hrtime: process.hrtime,
    hrtimeBigint: process.hrtime.bigint,
  }
}

describe('installDeterminism: framework scope and restore', () => {
  it('installDeterminism: framework scope passes every source through and consumes nothing', async () => {
    const recorded = { clock: [1000], random: [0.5], uuids: ['0b5a1c7e-1111-4222-8333-444455556666'] }
    const { result, determinism } = await withDeterminism(recorded, 1, () => {
      const framework = runInFrameworkScope(() => ({
        now: Date.now(),
        date: newDateMs(),
        called: Date(),
        random: Math.random(),
        uuid: crypto.randomUUID(),
        moduleUuid: nodeCrypto.randomUUID(),
        bytes: nodeCrypto.randomBytes(4).length,
        hrtime: process.hrtime.bigint(),
        performance: performance.now(),
      }))
      return { framework, app: [Date.now(), Math.random(), crypto.randomUUID()] }
    })

    expect(result.framework.now).toBeGreaterThan(1_700_000_000_000)
    expect(result.framework.date).toBeGreaterThan(1_700_000_000_000)
    expect(result.framework.called).not.toBe(new Date(1000).toString())
    expect(result.framework.random).not.toBe(0.5)
    expect(result.framework.uuid).not.toBe(recorded.uuids[0])
    expect(result.framework.moduleUuid).not.toBe(recorded.uuids[0])
    expect(result.framework.performance).toBeGreaterThan(0)
    expect(determinism.violations).toEqual([])
    // The code under test still gets the first recorded values: framework reads consumed none of them.
    expect(result.app).toEqual([1000, 0.5, recorded.uuids[0]])
  })

  it('installDeterminism: patches.restore puts back every original identity', () => {
    const before = identities()
    const patches = createPatchRegistry()
    installDeterminism({ patches, recorded: NOTHING_RECORDED, seed: 1 })
    const during = identities()
    patches.restore()

    expect(during.Date).not.toBe(before.Date)
    expect(during.mathRandom).not.toBe(before.mathRandom)
    expect(during.moduleRandomUUID).not.toBe(before.moduleRandomUUID)
    expect(during.hrtime).not.toBe(before.hrtime)
    expect(identities()).toEqual(before)
    for (const [name, value] of Object.entries(identities())) {
      expect(value, name).toBe(before[name as keyof typeof before])
    }
    expect(Date.now()).toBeGreaterThan(1_700_000_000_000)
  })

  it('installDeterminism: a second install after restore serves its own recording on a clean slate', async () => {
    const before = identities()
    await withDeterminism({ clock: [1] }, 1, () => Date.now())
    const { result } = await withDeterminism({ clock: [2] }, 1, () => [Date.now(), newDateMs()])

    expect(result).toEqual([2, 2])
    expect(identities()).toEqual(before)
  })
})

describe('installDeterminism: ESM bindings of builtins', () => {
  it('installDeterminism: leaves no patched builtin export in ESM bindings once the whole registry is restored', async () => {
    const originalGet = httpModule.get
    const originalRandomUUID = nodeCrypto.randomUUID
    const patches = createPatchRegistry()
    // Stands in for the network layer, which patches node:http before determinism is installed.
    const wrappedGet = ((...args: Parameters<typeof httpModule.get>) =>
      originalGet(...args)) as typeof httpModule.get
    patches.replace(httpModule, 'get', wrappedGet)
    installDeterminism({ patches, recorded: NOTHING_RECORDED, seed: 1 })

    expect(httpNamespace.get).toBe(wrappedGet)
    expect(cryptoNamespace.randomUUID).toBe(nodeCrypto.randomUUID)
    expect(cryptoNamespace.randomUUID).not.toBe(originalRandomUUID)
    patches.restore()
    await new Promise((resolve) => setImmediate(resolve))

    expect(httpNamespace.get).toBe(originalGet)
    expect(cryptoNamespace.randomUUID).toBe(originalRandomUUID)
  })
})
