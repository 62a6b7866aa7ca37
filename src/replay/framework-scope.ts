/**
 * Marks code that runs on behalf of parallax itself (msw and undici mock internals, our handlers)
 * so that the clock and randomness patches serve it from the real sources instead of consuming the
 * recording's values: the code under test must see exactly the sequence production saw.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

const scope = new AsyncLocalStorage<true>()

/**
 * Runs `fn` (and every async continuation it starts) in framework scope.
 * @example runInFrameworkScope(() => mswPatchedFetch(input, init))
 */
export function runInFrameworkScope<T>(fn: () => T): T {
  return scope.run(true, fn)
}

/** True while framework code (not the code under test) is running. */
export function inFrameworkScope(): boolean {
  return scope.getStore() === true
}
