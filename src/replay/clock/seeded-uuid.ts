/**
 * Version 4 UUIDs drawn from a seeded sequence, for the reads past the recording's last UUID.
 */
import type { SeededRandom } from './seeded-random.ts'

/** The string shape `crypto.randomUUID()` returns. */
export type Uuid = `${string}-${string}-${string}-${string}-${string}`

/**
 * Draws the next v4-shaped UUID (version nibble 4, variant bits 10) from `random`.
 * @example seededUuid(createSeededRandom(1, 2)) // e.g. '3f1c…-…-4…-8…-…', the same for every run
 */
export function seededUuid(random: SeededRandom): Uuid {
  const bytes = new Uint8Array(16)
  random.fill(bytes)
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
