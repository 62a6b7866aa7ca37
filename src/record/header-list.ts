/**
 * Turning the header shapes Node and undici hand around into the recorded {@link HeaderList}:
 * ordered [name, value] pairs with their original case and repetitions.
 */
import type { HeaderList } from '../recording/types.ts'

/**
 * Pairs up a flat raw list (`IncomingMessage.rawHeaders`, undici's `controller.rawHeaders`).
 * @example headerListFromRaw(['Host', 'a', 'Accept', '*\/*']) // [['Host', 'a'], ['Accept', '*\/*']]
 */
export function headerListFromRaw(raw: ReadonlyArray<string | Uint8Array>): HeaderList {
  const list: HeaderList = []
  for (let i = 0; i + 1 < raw.length; i += 2) list.push([text(raw[i]!), text(raw[i + 1]!)])
  return list
}

/**
 * Parses a serialized header block (the start line, then `Name: value` lines) as Node wrote it.
 * @example headerListFromBlock('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n') // [['Content-Type', 'text/plain']]
 */
export function headerListFromBlock(block: string): HeaderList {
  const list: HeaderList = []
  // Line by line with indexOf: this runs on every recorded response, and splitting allocates each line twice.
  let start = block.indexOf('\r\n') + 2
  while (start > 1 && start < block.length) {
    let end = block.indexOf('\r\n', start)
    if (end === -1) end = block.length
    const colon = block.indexOf(':', start)
    if (colon > start && colon < end)
      list.push([block.slice(start, colon), block.slice(colon + 1, end).trim()])
    start = end + 2
  }
  return list
}

/**
 * Reads undici's `opts.headers` in any of its accepted forms: a flat array, an array of pairs,
 * a record (array values repeat the header) or an iterable of pairs such as `Headers`.
 * @example headerListFromUndici({ accept: 'application/json' }) // [['accept', 'application/json']]
 */
export function headerListFromUndici(headers: unknown): HeaderList {
  if (headers === null || headers === undefined) return []
  if (Array.isArray(headers)) {
    if (headers.every((entry) => Array.isArray(entry))) {
      return headers.map(([name, value]: unknown[]) => [text(name), text(value)])
    }
    return headerListFromRaw(headers.map((entry: unknown) => text(entry)))
  }
  if (typeof headers !== 'object') return []
  if (Symbol.iterator in headers) {
    return [...(headers as Iterable<[unknown, unknown]>)].map(([name, value]) => [text(name), text(value)])
  }
  const list: HeaderList = []
  const record = headers as Record<string, unknown>
  for (const name in record) {
    if (!Object.hasOwn(record, name)) continue
    const value = record[name]
    if (value === undefined) continue
    if (Array.isArray(value)) for (const one of value) list.push([name, text(one)])
    else list.push([name, text(value)])
  }
  return list
}

/**
 * Builds a header list from Node's outgoing-message accessors when no serialized block is at hand.
 * @example headerListFromOutgoing(res) // [['Content-Type', 'text/plain']]
 */
export function headerListFromOutgoing(message: {
  getHeaderNames(): string[]
  getHeader(name: string): number | string | string[] | undefined
}): HeaderList {
  // getRawHeaderNames keeps the case the app used; it exists at runtime but not in every type definition.
  const raw = (message as { getRawHeaderNames?: () => string[] }).getRawHeaderNames
  const names = typeof raw === 'function' ? raw.call(message) : message.getHeaderNames()
  const list: HeaderList = []
  for (const name of names) {
    const value = message.getHeader(name)
    if (value === undefined) continue
    for (const one of Array.isArray(value) ? value : [value]) list.push([name, String(one)])
  }
  return list
}

/**
 * The header block Node serialized for an outgoing message (`_header`), when it has been sent.
 * @example serializedHeaderBlock(res) // 'HTTP/1.1 200 OK\r\n…'
 */
export function serializedHeaderBlock(message: object): string | undefined {
  const block = (message as { _header?: unknown })._header
  return typeof block === 'string' ? block : undefined
}

function text(value: unknown): string {
  if (typeof value === 'string') return value
  if (Buffer.isBuffer(value)) return value.toString('latin1')
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1')
  return String(value)
}

/**
 * The first value of a header, by case-insensitive name.
 * @example headerValue([['Content-Encoding', 'gzip']], 'content-encoding') // 'gzip'
 */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  const wanted = name.toLowerCase()
  return headers.find(([candidate]) => candidate.toLowerCase() === wanted)?.[1]
}
