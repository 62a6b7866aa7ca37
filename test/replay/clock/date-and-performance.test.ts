import { describe, expect, it } from 'vitest'
import { withDeterminism } from './with-determinism.ts'

const OriginalDate = Date
const T0 = Date.UTC(2025, 10, 24, 8, 0, 0)

describe('installDeterminism: Date keeps its semantics', () => {
  it('installDeterminism: only the no-argument paths of Date read the served clock', async () => {
    const { result } = await withDeterminism({ clock: [T0, T0 + 1, T0 + 2] }, 1, () => ({
      noArgument: new Date().toISOString(),
      called: Date(),
      now: Date.now(),
      epoch: new Date(0).toISOString(),
      parts: new Date(2024, 1, 29, 12).getDate(),
      fromString: new Date('2024-02-29T12:00:00Z').getTime(),
      utc: Date.UTC(2024, 1, 29),
      parse: Date.parse('2024-02-29T12:00:00Z'),
      copy: new Date(new Date(5)).getTime(),
    }))

    expect(result).toEqual({
      noArgument: new OriginalDate(T0).toISOString(),
      called: new OriginalDate(T0 + 1).toString(),
      now: T0 + 2,
      epoch: '1970-01-01T00:00:00.000Z',
      parts: 29,
      fromString: OriginalDate.UTC(2024, 1, 29, 12),
      utc: OriginalDate.UTC(2024, 1, 29),
      parse: OriginalDate.UTC(2024, 1, 29, 12),
      copy: 5,
    })
  })

  it('installDeterminism: instanceof holds both ways between the served Date and the original', async () => {
    const { result } = await withDeterminism({ clock: [T0] }, 1, () => {
      class Deadline extends Date {}
      return {
        servedIsOriginal: new Date() instanceof OriginalDate,
        originalIsServed: new OriginalDate(0) instanceof Date,
        prototype: Date.prototype === OriginalDate.prototype,
        subclass: new Deadline().getTime(),
        subclassIsDate: new Deadline(0) instanceof Date,
        tag: Object.prototype.toString.call(new Date()),
        cloned: structuredClone(new Date(7)).getTime(),
        differs: Date !== OriginalDate,
      }
    })

    expect(result).toEqual({
      servedIsOriginal: true,
      originalIsServed: true,
      prototype: true,
      subclass: T0,
      subclassIsDate: true,
      tag: '[object Date]',
      cloned: 7,
      differs: true,
    })
  })

  it('installDeterminism: code holding the original Date reads the served clock from Date.now', async () => {
    const { result } = await withDeterminism({ clock: [T0] }, 1, () => OriginalDate.now())

    expect(result).toBe(T0)
  })
})

describe('installDeterminism: performance.now is a virtual monotonic clock', () => {
  it('installDeterminism: performance.now moves with the served clock, relative to its first value', async () => {
    const run = () =>
      withDeterminism({ clock: [T0, T0 + 40, T0 + 30, T0 + 100] }, 1, () => {
        const readings = [performance.now()]
        for (let i = 0; i < 4; i++) {
          Date.now()
          readings.push(performance.now())
        }
        return readings
      })

    const { result } = await run()
    // The recorded clock steps back once (T0 + 30); the monotonic view holds instead.
    expect(result).toEqual([0, 0, 40, 40, 100])
    expect((await run()).result).toEqual(result)
  })

  it('installDeterminism: elapsed time measured inside a stage is the same on every replay', async () => {
    const stage = () => {
      const started = performance.now()
      const at = new Date()
      return { at: at.toISOString(), elapsedMs: performance.now() - started + (Date.now() - at.getTime()) }
    }
    const first = await withDeterminism({ clock: [T0, T0 + 15] }, 1, stage)
    const second = await withDeterminism({ clock: [T0, T0 + 15] }, 1, stage)

    expect(first.result).toEqual({ at: new OriginalDate(T0).toISOString(), elapsedMs: 15 })
    expect(second.result).toEqual(first.result)
  })
})
