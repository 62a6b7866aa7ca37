/**
 * Nothing is recorded or updated from CI unless asked: commands that write files beside the scenario or
 * its recordings (`replay --learn-noise`, `explain`'s repro, `fuzz`'s counterexample) write in CI only
 * with `--allow-write`.
 */

/**
 * True when files may be written: not in CI (the `CI` variable unset, empty or `false`), or allowed.
 * @example if (!writesAllowed(flags.allowWrite)) print('not written: CI is set')
 */
export function writesAllowed(allowWrite: boolean | undefined): boolean {
  const ci = process.env['CI']
  return ci === undefined || ci === '' || ci === 'false' || allowWrite === true
}
