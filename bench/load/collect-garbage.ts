/**
 * Collects garbage in this process when V8 lets us, so that one case's garbage is not billed to the next.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/**
 * Runs a full collection, or does nothing when no `gc` can be had.
 * @example collectGarbage() // between two measured rounds
 */
export const collectGarbage: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (typeof exposed === 'function') return () => exposed()
  try {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as unknown
    if (typeof gc === 'function') return () => (gc as () => void)()
  } catch {
    // No gc: a round then includes some collection work, which the median absorbs.
  }
  return () => {}
})()
