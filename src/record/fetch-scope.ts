/**
 * Global fetch runs its internals outside the request's context. Node's bundled fetch reads the clock
 * for its own timing (e.g. when a body ends) from the caller's async context: recorded, those reads
 * would be values the app never saw and that a replay (answering fetch from the recording) never
 * asks for. The call itself is still captured: the dispatcher interceptor finds the request in
 * `libraryScope`.
 */
import type { PatchRegistry } from './patch-registry.ts'
import type { RecorderRuntime } from './recorder-runtime.ts'

/**
 * Replaces `globalThis.fetch` with a wrapper that runs the real one outside the request's clock context.
 * @example installFetchScope(runtime, patches) // undone by patches.restore()
 */
export function installFetchScope(runtime: RecorderRuntime, patches: PatchRegistry): void {
  const realFetch = globalThis.fetch
  if (typeof realFetch !== 'function') return
  const fetch = function fetch(this: unknown, ...args: Parameters<typeof globalThis.fetch>) {
    let capture: ReturnType<RecorderRuntime['activeCapture']>
    try {
      capture = runtime.activeCapture()
    } catch (error) {
      runtime.report(error)
    }
    if (capture === undefined) return realFetch.apply(this, args)
    return runtime.libraryScope.run(capture, exitAndFetch, this, args)
  }
  const exitAndFetch = (self: unknown, args: Parameters<typeof globalThis.fetch>) =>
    runtime.storage.exit(Reflect.apply, realFetch, self, args) as ReturnType<typeof globalThis.fetch>
  patches.replace(globalThis, 'fetch', fetch as typeof globalThis.fetch)
}
