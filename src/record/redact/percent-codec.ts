/**
 * Percent-decoding and -encoding of byte strings (one char per byte), as URLs and form bodies use them;
 * tolerant: a stray `%` stays as it is instead of failing the whole value.
 */

const HEX = /^[0-9A-Fa-f]{2}$/

/**
 * Decodes `%XX` escapes (and `+` as a space when `plusIsSpace`) into a byte string.
 * @example percentDecode('a%20b+c', true) // 'a b c'
 */
export function percentDecode(raw: string, plusIsSpace: boolean): string {
  if (!raw.includes('%') && !(plusIsSpace && raw.includes('+'))) return raw
  let out = ''
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i]!
    if (char === '%' && HEX.test(raw.slice(i + 1, i + 3))) {
      out += String.fromCharCode(Number.parseInt(raw.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      out += plusIsSpace && char === '+' ? ' ' : char
    }
  }
  return out
}

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
