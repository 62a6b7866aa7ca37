/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) for everything replay must invent once the
 * recording runs out: same seed and stream, same sequence, on every machine and Node version.
 */

/** A deterministic source of numbers; each stream of one seed is independent of the others. */
export interface SeededRandom {
  /** A float in [0, 1), like `Math.random()`. */
  next(): number
  /** An unsigned 32-bit integer. */
  uint32(): number
  /** Overwrites every byte of `bytes` with the next values of the sequence. */
  fill(bytes: Uint8Array): void
}

/**
 * Creates the sequence for `seed` and `stream`: separate streams keep, say, the UUID continuation from
 * shifting when the code under test reads `Math.random()` one time more.
 * @example const random = createSeededRandom(1234, 1); random.next() // same value for every run with seed 1234
 */
export function createSeededRandom(seed: number, stream: number): SeededRandom {
  const finite = Number.isFinite(seed) ? Math.trunc(seed) : 0
  let mix =
    (finite >>> 0) ^ Math.imul(Math.floor(finite / 2 ** 32) >>> 0, 0x9e3779b1) ^ Math.imul(stream, 0x85ebca6b)
  const splitmix = (): number => {
    mix = (mix + 0x9e3779b9) | 0
    let z = mix
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad)
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97)
    return (z ^ (z >>> 15)) >>> 0
  }
  let a = splitmix()
  let b = splitmix()
  let c = splitmix()
  let d = 1
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  // sfc32's first outputs still echo the seed words; the reference implementation discards them too.
  for (let i = 0; i < 12; i++) uint32()
  return {
    next: () => uint32() / 2 ** 32,
    uint32,
    fill(bytes) {
      for (let i = 0; i < bytes.length; i += 4) {
        let word = uint32()
        for (let j = i; j < Math.min(i + 4, bytes.length); j++) {
          bytes[j] = word & 0xff
          word >>>= 8
        }
      }
    },
  }
}
