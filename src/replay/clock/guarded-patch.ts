/**
 * The one shape every clock and randomness patch takes: framework code (and the code under test between
 * two recordings) passes straight through to the original, the code under test gets the controlled value.
 */

import type { PatchRegistry } from '../../record/patch-registry.ts'
import { inFrameworkScope } from '../framework-scope.ts'

type AnyFunction = (...args: never[]) => unknown

/** Computes what the code under test sees, given the original function, its receiver and arguments. */
export type Controlled = (real: (...args: unknown[]) => unknown, self: unknown, args: unknown[]) => unknown

/**
 * Replaces the function `target[key]` through `patches` with one that calls `controlled` for the code under
 * test and the original whenever `passThrough()` says so (framework scope by default), consuming nothing
 * then; returns the installed function.
 * @example patchGuarded(patches, Math, 'random', () => feed.next())
 */
export function patchGuarded<T extends object, K extends keyof T>(
  patches: PatchRegistry,
  target: T,
  key: K,
  controlled: Controlled,
  passThrough: () => boolean = inFrameworkScope,
): T[K] & AnyFunction {
  const real = target[key] as unknown as (...args: unknown[]) => unknown
  const installed = function (this: unknown, ...args: unknown[]): unknown {
    if (passThrough()) return Reflect.apply(real, this, args)
    return controlled(real, this, args)
  }
  // Some code logs or branches on a function's name and arity; keep the original's.
  Object.defineProperty(installed, 'name', { value: real.name, configurable: true })
  Object.defineProperty(installed, 'length', { value: real.length, configurable: true })
  patches.replace(target, key, installed as T[K])
  return installed as T[K] & AnyFunction
}
