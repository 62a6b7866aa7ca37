/**
 * Wraps the clock and randomness so that the values read inside an inbound request's context are
 * appended to its recording. The wrappers return exactly the real values: recording changes nothing.
 */
import nodeCrypto from 'node:crypto'
import { syncBuiltinESMExports } from 'node:module'
import type { Nondeterminism } from '../recording/types.ts'
import type { PatchRegistry } from './patch-registry.ts'
import type { RecorderRuntime } from './recorder-runtime.ts'

/**
 * Installs the wrappers of `Date.now`, `new Date()`, `Date()`, `Math.random` and `randomUUID` (the global
 * `crypto` and `node:crypto`, named ESM imports included) into `patches`: the same sources replay feeds.
 * @example installNondeterminismHooks(runtime, patches) // undone by patches.restore()
 */
export function installNondeterminismHooks(runtime: RecorderRuntime, patches: PatchRegistry): void {
  const RealDate = globalThis.Date
  // Delegate to whatever is installed now (possibly another tool's wrapper), but record the value it returned.
  const currentNow = RealDate.now
  const currentRandom = Math.random
  const currentCrypto = globalThis.crypto
  const currentRandomUUID = currentCrypto.randomUUID
  const currentNodeRandomUUID = nodeCrypto.randomUUID

  const record = <K extends 'clock' | 'random' | 'uuids'>(kind: K, value: Nondeterminism[K][number]) => {
    try {
      const capture = runtime.activeCapture()
      if (capture !== undefined) (capture.nondeterminism[kind] as Array<typeof value>).push(value)
    } catch (error) {
      runtime.report(error)
    }
  }
  const recordClock = (value: number) => record('clock', value)

  patches.replace(RealDate, 'now', function now() {
    const value = currentNow.call(RealDate)
    recordClock(value)
    return value
  })
  // Only the no-argument construction reads the clock; every other use goes straight to the real Date,
  // so statics, `instanceof Date` and subclasses keep working.
  const RecordingDate = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      if (args.length > 0) return Reflect.construct(target, args, newTarget)
      const value = currentNow.call(RealDate)
      recordClock(value)
      return Reflect.construct(target, [value], newTarget)
    },
    // `Date()` called as a function reads the clock too and returns the time as a string.
    apply() {
      const value = currentNow.call(RealDate)
      recordClock(value)
      return String(new RealDate(value))
    },
  })
  patches.replace(globalThis, 'Date', RecordingDate)
  patches.replace(Math, 'random', function random() {
    const value = currentRandom()
    record('random', value)
    return value
  })
  patches.replace(currentCrypto, 'randomUUID', function randomUUID() {
    const value = currentRandomUUID.call(currentCrypto)
    record('uuids', value)
    return value
  })
  // Named imports of node:crypto (`import { randomUUID } from 'node:crypto'`) see the module object's
  // property only once the ESM bindings are synced: after installing, and again after restoring (this
  // deferred step unwinds after the property is put back).
  patches.defer(() => syncBuiltinESMExports())
  patches.replace(nodeCrypto, 'randomUUID', function randomUUID(options?: nodeCrypto.RandomUUIDOptions) {
    const value = currentNodeRandomUUID.call(nodeCrypto, options)
    record('uuids', value)
    return value
  })
  syncBuiltinESMExports()
}
