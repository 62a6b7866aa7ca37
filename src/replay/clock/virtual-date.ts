/**
 * A `Date` constructor whose only difference is where "now" comes from: `new Date()` with no argument
 * and `Date()` called as a function read `now()`; everything else is the original Date's own behaviour.
 */

/**
 * Wraps `RealDate` in a proxy: the no-argument construct path and the call path read `now()` unless
 * `passThrough()` says framework code is running, and every other property (`parse`, `UTC`, `prototype`,
 * `now` itself) is the original's, so `new Date() instanceof RealDate` and `new RealDate(0) instanceof Date` hold.
 * @example
 * const VirtualDate = createVirtualDate(Date, () => 1_700_000_000_000, () => false)
 * new VirtualDate().getTime() // 1700000000000
 * new VirtualDate(0).toISOString() // '1970-01-01T00:00:00.000Z'
 */
export function createVirtualDate(
  RealDate: DateConstructor,
  now: () => number,
  passThrough: () => boolean,
): DateConstructor {
  // A proxy rather than a subclass: a class cannot be called without `new`, and `Date()` must still work.
  return new Proxy(RealDate, {
    construct(target, args, newTarget) {
      if (args.length > 0 || passThrough()) return Reflect.construct(target, args, newTarget)
      return Reflect.construct(target, [now()], newTarget)
    },
    apply(target, thisArg, args) {
      if (passThrough()) return Reflect.apply(target, thisArg, args)
      // `Date(...)` ignores its arguments and formats the current time.
      return new target(now()).toString()
    },
  })
}
