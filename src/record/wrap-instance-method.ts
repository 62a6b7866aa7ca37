/**
 * Instance-level method wrapping: how the node:http message hooks observe a message whose methods are
 * not its prototype's (a request object a test harness made, a method some tool wrapped on the
 * instance), so that nothing outside that one object changes.
 */

/** Any function, as the wrapped methods are called with whatever their callers pass. */
export type AnyFunction = (...args: unknown[]) => unknown

/**
 * Replaces `target[key]` on this one instance with a wrapper built around the current method; does nothing when it is not a function.
 * @example wrapInstanceMethod(res, 'write', (write) => function (...args) { observe(args[0]); return write.apply(this, args) })
 */
export function wrapInstanceMethod(
  target: object,
  key: string,
  wrap: (original: AnyFunction) => AnyFunction,
): void {
  const original = (target as Record<string, unknown>)[key]
  if (typeof original !== 'function') return
  Object.defineProperty(target, key, {
    value: wrap(original as AnyFunction),
    writable: true,
    configurable: true,
    enumerable: false,
  })
}
