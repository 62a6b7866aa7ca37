import nodeCrypto from 'node:crypto'
import { createServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { runInFrameworkScope } from '../../../src/replay/framework-scope.ts'
import { withDeterminism } from './with-determinism.ts'

function readUncontrolled() {
  const filled = new Uint8Array(8)
  nodeCrypto.randomFillSync(filled, 2, 4)
  const words = new Uint32Array(4)
  nodeCrypto.randomFillSync(words, 1, 2)
  return {
    getRandomValues: [...crypto.getRandomValues(new Uint8Array(6))],
    moduleGetRandomValues: [...nodeCrypto.getRandomValues(new Uint8Array(6))],
    randomBytes: nodeCrypto.randomBytes(6).toString('hex'),
    randomInt: [nodeCrypto.randomInt(10), nodeCrypto.randomInt(5, 8), nodeCrypto.randomInt(2 ** 40)],
    randomFillSync: [...filled],
    randomFillSyncWords: [...words],
    hrtime: process.hrtime(),
    hrtimeBigint: process.hrtime.bigint(),
  }
}

describe('installDeterminism: uncontrolled sources are violations', () => {
  it('installDeterminism: reports each uncontrolled source once, with the documented message and hint', async () => {
    const { determinism } = await withDeterminism({}, 1, () => {
      readUncontrolled()
      readUncontrolled()
    })

    expect(determinism.violations.map((v) => v.details?.['source'])).toEqual([
      'crypto.randomFillSync',
      'crypto.getRandomValues',
      'crypto.randomBytes',
      'crypto.randomInt',
      'process.hrtime',
      'process.hrtime.bigint',
    ])
    const [first] = determinism.violations
    expect({ code: first?.code, message: first?.message, hint: first?.hint }).toMatchInlineSnapshot(`
      {
        "code": "PARALLAX_DETERMINISM_VIOLATION",
        "hint": "Use crypto.randomUUID() or Math.random() (fed from the recording), or pass the value in the request.",
        "message": "Failed to replay deterministically: the code under test read crypto.randomFillSync, which parallax does not feed from the recording.",
      }
    `)
    expect(determinism.violations.at(-1)?.hint).toBe(
      'Use Date.now() or performance.now() (fed from the recording), or pass the value in the request.',
    )
  })

  it('installDeterminism: still answers uncontrolled reads deterministically, in range and in place', async () => {
    const first = await withDeterminism({ clock: [1000, 1250] }, 42, () => {
      Date.now()
      Date.now()
      return readUncontrolled()
    })
    const second = await withDeterminism({ clock: [1000, 1250] }, 42, () => {
      Date.now()
      Date.now()
      return readUncontrolled()
    })
    const other = await withDeterminism({ clock: [1000, 1250] }, 43, readUncontrolled)

    expect(second.result).toEqual(first.result)
    expect(other.result.randomBytes).not.toBe(first.result.randomBytes)
    const { randomInt, randomFillSync, randomFillSyncWords, hrtime, hrtimeBigint } = first.result
    expect(randomInt[0]).toBeGreaterThanOrEqual(0)
    expect(randomInt[0]).toBeLessThan(10)
    expect(randomInt[1]).toBeGreaterThanOrEqual(5)
    expect(randomInt[1]).toBeLessThan(8)
    expect(Number.isInteger(randomInt[2])).toBe(true)
    // randomFillSync(buffer, offset, size) writes only its region; offsets count elements of a typed array.
    expect([randomFillSync[0], randomFillSync[1], randomFillSync[6], randomFillSync[7]]).toEqual([0, 0, 0, 0])
    expect([randomFillSyncWords[0], randomFillSyncWords[3]]).toEqual([0, 0])
    // hrtime follows the virtual monotonic clock: 250 ms after the first served value.
    expect(hrtimeBigint - BigInt(hrtime[0]) * 1_000_000_000n - BigInt(hrtime[1])).toBe(0n)
    const later = await withDeterminism({ clock: [1000, 1250] }, 42, () => process.hrtime.bigint())
    expect(hrtimeBigint - later.result).toBe(250_000_000n)
  })

  it('installDeterminism: the callback forms of randomBytes and randomInt are answered deterministically', async () => {
    const readAsync = () =>
      Promise.all([
        new Promise<string>((resolve, reject) =>
          nodeCrypto.randomBytes(8, (error, bytes) =>
            error ? reject(error) : resolve(bytes.toString('hex')),
          ),
        ),
        new Promise<number>((resolve, reject) =>
          nodeCrypto.randomInt(1000, (error, n) => (error ? reject(error) : resolve(n))),
        ),
      ])
    const first = await withDeterminism({}, 5, readAsync)
    const second = await withDeterminism({}, 5, readAsync)

    expect(second.result).toEqual(first.result)
    expect(first.determinism.violations.map((v) => v.details?.['source'])).toEqual([
      'crypto.randomBytes',
      'crypto.randomInt',
    ])
  })

  it('installDeterminism: invalid arguments to an uncontrolled source still throw as before', async () => {
    await withDeterminism({}, 1, () => {
      expect(() => crypto.getRandomValues(new Float64Array(2) as never)).toThrow()
      expect(() => nodeCrypto.randomInt(5, 2)).toThrow(RangeError)
    })
  })

  it('installDeterminism: ordinary work in a stage reads no uncontrolled source', async () => {
    const server = createServer((request, response) => {
      request.resume()
      request.on('end', () => response.end('pong'))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    try {
      const { result, determinism } = await withDeterminism({ clock: [1000] }, 1, async () => {
        const form = new FormData()
        form.append('file', new Blob(['x']), 'x.txt')
        // The network layer enters framework scope at fetch's entry point; this stands in for it.
        const answer = await runInFrameworkScope(() =>
          fetch(`http://127.0.0.1:${port}/`, {
            method: 'POST',
            body: form,
            signal: AbortSignal.timeout(10_000),
          }),
        ).then((response) => response.text())
        await new Promise((resolve) => setTimeout(resolve, 1))
        await new Promise((resolve) => setImmediate(resolve))
        const signal = AbortSignal.timeout(1)
        const keepAlive = setTimeout(() => {}, 10_000)
        await new Promise((resolve) => signal.addEventListener('abort', resolve))
        clearTimeout(keepAlive)
        const decoded = new TextDecoder().decode(new Uint8Array([111, 107]))
        const parsed = JSON.parse('{"a":[1,2]}')
        const cloned = structuredClone({ at: new Date(0), bytes: new Uint8Array(2) })
        const reimported = await import('../../../src/replay/framework-scope.ts')
        return {
          answer,
          decoded,
          parsed,
          cloned: cloned.at.getTime(),
          reimported: typeof reimported.inFrameworkScope,
        }
      })

      expect(result).toEqual({
        answer: 'pong',
        decoded: 'ok',
        parsed: { a: [1, 2] },
        cloned: 0,
        reimported: 'function',
      })
      expect(determinism.violations).toEqual([])
      expect(determinism.consumed()).toEqual({ clock: 0, random: 0, uuids: 0 })
    } finally {
      server.close()
    }
  })
})
