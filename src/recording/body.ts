/**
 * Converting between raw bytes and the recorded {@link Body} form.
 */
import { createHash } from 'node:crypto'
import type { Body } from './types.ts'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Records bytes as a Body: readable UTF-8 text when the bytes are valid UTF-8, base64 otherwise.
 * With `maxBytes`, keeps only that many bytes and marks the body `truncated` (size and hash stay those of the whole).
 * @example bodyFromBytes(Buffer.from('{"q":"é"}')) // { encoding: 'utf8', text: '{"q":"é"}', size: 10, sha256: '…' }
 */
export function bodyFromBytes(bytes: Uint8Array, maxBytes = Number.POSITIVE_INFINITY): Body {
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const size = bytes.byteLength
  const kept = size > maxBytes ? bytes.subarray(0, maxBytes) : bytes
  const truncated = kept.byteLength < size ? ({ truncated: true } as const) : {}
  try {
    return { encoding: 'utf8', text: utf8.decode(kept), size, sha256, ...truncated }
  } catch {
    return { encoding: 'base64', data: Buffer.from(kept).toString('base64'), size, sha256, ...truncated }
  }
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
