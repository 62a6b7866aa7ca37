/**
 * Converting between raw bytes and the recorded {@link Body} form.
 */
import { isUtf8 } from 'node:buffer'
import { hash } from 'node:crypto'
import type { Body } from './types.ts'

/** U+FEFF: a WHATWG UTF-8 decode drops it at the start of the text, and recordings were always decoded so. */
const BOM = 0xfeff

/**
 * Records bytes as a Body: readable UTF-8 text when the bytes are valid UTF-8, base64 otherwise.
 * With `maxBytes`, keeps only that many bytes and marks the body `truncated` (size and hash stay those of the whole).
 * @example bodyFromBytes(Buffer.from('{"q":"é"}')) // { encoding: 'utf8', text: '{"q":"é"}', size: 10, sha256: '…' }
 */
export function bodyFromBytes(bytes: Uint8Array, maxBytes = Number.POSITIVE_INFINITY): Body {
  const size = bytes.byteLength
  const kept = size > maxBytes ? bytes.subarray(0, maxBytes) : bytes
  return keptBody(kept, size, hash('sha256', bytes), kept.byteLength < size)
}

/**
 * Records the UTF-8 encoding of `text` as a Body without encoding it when it need not be: the same Body
 * as `bodyFromBytes(Buffer.from(text))`. `size` is its UTF-8 byte length when the caller knows it.
 * @example bodyFromText('{"q":"é"}') // { encoding: 'utf8', text: '{"q":"é"}', size: 10, sha256: '…' }
 */
export function bodyFromText(text: string, size = Buffer.byteLength(text, 'utf8')): Body {
  // A lone surrogate is encoded as U+FFFD, and a leading BOM is dropped when the bytes are decoded:
  // then the text read back is not `text`, so take the long way.
  if (text.charCodeAt(0) === BOM || !text.isWellFormed()) return bodyFromBytes(Buffer.from(text, 'utf8'))
  return { encoding: 'utf8', sha256: hash('sha256', text), size, text }
}

/**
 * The Body of `kept`, the first bytes of a body of `size` bytes whose SHA-256 is `sha256`: the text of
 * valid UTF-8 (decoded as the WHATWG decoder does, a leading BOM dropped), base64 otherwise.
 * @example keptBody(Buffer.from('ab'), 5, sha256, true) // { encoding: 'utf8', text: 'ab', size: 5, sha256, truncated: true }
 */
export function keptBody(kept: Uint8Array, size: number, sha256: string, truncated: boolean): Body {
  const view = Buffer.isBuffer(kept) ? kept : Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength)
  const marker = truncated ? ({ truncated: true } as const) : {}
  // Keys in sorted order: a recording built so is serialized natively (see sortedJson).
  if (isUtf8(view)) {
    const text = view.toString('utf8')
    return {
      encoding: 'utf8',
      sha256,
      size,
      text: text.charCodeAt(0) === BOM ? text.slice(1) : text,
      ...marker,
    }
  }
  return { data: view.toString('base64'), encoding: 'base64', sha256, size, ...marker }
}

/** The bytes a recorded Body holds (only the kept part when it was truncated). */
export function bodyBytes(body: Body | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0)
  return body.encoding === 'utf8' ? Buffer.from(body.text, 'utf8') : Buffer.from(body.data, 'base64')
}

/** The body's text (UTF-8 decoded, lossy for binary bodies). */
export function bodyText(body: Body | undefined): string {
  if (body === undefined) return ''
  return body.encoding === 'utf8' ? body.text : Buffer.from(body.data, 'base64').toString('utf8')
}
