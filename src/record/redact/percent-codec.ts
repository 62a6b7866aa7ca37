/**
 * Percent-decoding and -encoding of byte strings (one char per byte), as URLs and form bodies use them;
 * tolerant: a stray `%` stays as it is instead of failing the whole value.
 */

/** The value of each hex digit's char code, -1 for every other byte. */
const HEX_VALUE = new Int8Array(256).fill(-1)
for (let digit = 0; digit < 16; digit++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(digit)] = digit
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(digit)] = digit
}

/**
 * The byte a `%XX` escape at `at` stands for (`text[at]` is `%`), or -1 when no two hex digits follow.
 * @example escapedByte('a%2Fb', 1) // 47
 */
export function escapedByte(text: string, at: number): number {
  const high = HEX_VALUE[text.charCodeAt(at + 1) & 0xff]!
  const low = HEX_VALUE[text.charCodeAt(at + 2) & 0xff]!
  // charCodeAt past the end is NaN (& 0xff makes it 0, no digit); a char above 255 is no digit either.
  if (high < 0 || low < 0 || text.charCodeAt(at + 1) > 0xff || text.charCodeAt(at + 2) > 0xff) return -1
  return (high << 4) | low
}

/**
 * Decodes `%XX` escapes (and `+` as a space when `plusIsSpace`) into a byte string.
 * @example percentDecode('a%20b+c', true) // 'a b c'
 */
export function percentDecode(raw: string, plusIsSpace: boolean): string {
  if (!raw.includes('%') && !(plusIsSpace && raw.includes('+'))) return raw
  let out = ''
  // Runs without an escape are copied as slices, not a char at a time.
  let copied = 0
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i)
    if (code === PERCENT) {
      const byte = escapedByte(raw, i)
      if (byte === -1) continue
      out += raw.slice(copied, i) + String.fromCharCode(byte)
      i += 2
      copied = i + 1
    } else if (code === PLUS && plusIsSpace) {
      out += `${raw.slice(copied, i)} `
      copied = i + 1
    }
  }
  return out + raw.slice(copied)
}

const PERCENT = 0x25
const PLUS = 0x2b

const UNRESERVED = /[A-Za-z0-9\-._~]/

/**
 * Encodes a byte string for a URL component or form value: every byte but `A-Z a-z 0-9 - . _ ~` as `%XX`
 * (a space as `+` when `spaceAsPlus`).
 * @example percentEncode('[redacted:0123456789ab]', false) // '%5Bredacted%3A0123456789ab%5D'
 */
export function percentEncode(bytes: string, spaceAsPlus: boolean): string {
  let out = ''
  for (const char of bytes) {
    if (UNRESERVED.test(char)) out += char
    else if (spaceAsPlus && char === ' ') out += '+'
    else out += `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/**
 * `raw` (percent-encoded) with its decoding replaced by `redacted`, rewriting only the stretch where the
 * two differ (between their longest common prefix and suffix), encoded again: the escapes, `+` and hex
 * case around a secret stay byte for byte as they were. `redacted` is a redaction of
 * `percentDecode(raw, plusIsSpace)`.
 * @example reencodeChanged('%2Fa%3Ftoken%3Dx1', '/a?token=[redacted:…]', false) // '%2Fa%3Ftoken%3D%5Bredacted%3A…%5D'
 */
export function reencodeChanged(raw: string, redacted: string, plusIsSpace: boolean): string {
  // Where each decoded byte starts in `raw` (an escape is three chars, anything else one).
  const starts: number[] = []
  let decoded = ''
  for (let i = 0; i < raw.length; ) {
    starts.push(i)
    const char = raw[i]!
    const byte = char === '%' ? escapedByte(raw, i) : -1
    if (byte !== -1) {
      decoded += String.fromCharCode(byte)
      i += 3
    } else {
      decoded += plusIsSpace && char === '+' ? ' ' : char
      i++
    }
  }
  starts.push(raw.length)
  const shortest = Math.min(decoded.length, redacted.length)
  let prefix = 0
  while (prefix < shortest && decoded[prefix] === redacted[prefix]) prefix++
  let suffix = 0
  while (
    suffix < shortest - prefix &&
    decoded[decoded.length - 1 - suffix] === redacted[redacted.length - 1 - suffix]
  )
    suffix++
  if (prefix === decoded.length && prefix === redacted.length) return raw
  return (
    raw.slice(0, starts[prefix]) +
    percentEncode(redacted.slice(prefix, redacted.length - suffix), plusIsSpace) +
    raw.slice(starts[decoded.length - suffix])
  )
}
