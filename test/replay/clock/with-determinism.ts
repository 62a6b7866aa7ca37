/**
 * Test helper: runs `fn` with determinism installed on a fresh patch registry and always restores it,
 * so a failing assertion never leaves the vitest worker's globals patched.
 */

import { createPatchRegistry } from '../../../src/record/patch-registry.ts'
import type { Nondeterminism } from '../../../src/recording/types.ts'
import { type Determinism, installDeterminism } from '../../../src/replay/clock/index.ts'

export const NOTHING_RECORDED: Nondeterminism = { clock: [], random: [], uuids: [] }

/** Installs determinism for `recorded` and `seed`, runs `fn`, restores every patch, and returns both results. */
export async function withDeterminism<T>(
  recorded: Partial<Nondeterminism>,
  seed: number,
  fn: (determinism: Determinism) => T | Promise<T>,
): Promise<{ result: T; determinism: Determinism }> {
  const patches = createPatchRegistry()
  const determinism = installDeterminism({ patches, recorded: { ...NOTHING_RECORDED, ...recorded }, seed })
  try {
    return { result: await fn(determinism), determinism }
  } finally {
    patches.restore()
  }
}

/** The time of `new Date()` with no argument: the construct path under test, not `Date.now()`. */
export function newDateMs(): number {
  const date = new Date()
  return date.getTime()
}
