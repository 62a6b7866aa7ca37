/**
 * The seed of every property test: PARALLAX_SEED when set (CI pins it), otherwise a fresh one, printed.
 */

/**
 * Returns the seed to pass to `fc.assert`, printing it so a failure can be replayed.
 * @example fc.assert(property, { seed: propertySeed('diffJson') })
 */
export function propertySeed(suite: string): number {
  const pinned = process.env['PARALLAX_SEED']
  const seed = pinned === undefined || pinned === '' ? (Math.random() * 2 ** 31) | 0 : Number(pinned)
  if (!Number.isSafeInteger(seed))
    throw new Error(`Failed to read PARALLAX_SEED: ${pinned} is not an integer.`)
  console.info(`[parallax] ${suite} properties: seed ${seed} (replay with PARALLAX_SEED=${seed})`)
  return seed
}
