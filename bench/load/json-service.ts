/**
 * The service a load bench drives: a node:http JSON endpoint whose answer is about `bodyBytes` long and,
 * with `upstream`, first makes one outbound call (global `fetch`) and embeds its JSON answer. Each answer
 * carries a fresh id (`crypto.randomUUID`) and the time (`Date.now`), as real endpoints read them.
 * Used as a child-process service module too: `createService({ bodyBytes: 256 })` is a small upstream.
 */
import type { RequestListener, ServerResponse } from 'node:http'
import type { CreateService } from './service.ts'

/** Options of {@link jsonHandler}. */
export interface JsonEndpointOptions {
  /** Approximate size of each answer in bytes. */
  bodyBytes: number
  /** A URL fetched once per request (global `fetch`); its JSON answer is part of the response. */
  upstream?: string
}

/**
 * Creates the endpoint's request handler. The list part of the answer is serialized once; the envelope
 * (id, time, upstream answer) is built per request.
 * @example createServer(jsonHandler({ bodyBytes: 1024, upstream: 'http://127.0.0.1:4000/quote' }))
 */
export function jsonHandler(options: JsonEndpointOptions): RequestListener {
  const envelope = (quote: string) =>
    `{"requestId":"${crypto.randomUUID()}","at":${Date.now()},"quote":${quote},"items":`
  // The upstream's answer is sized like the envelope's other fields; the items fill the rest.
  const items = itemsJson(Math.max(2, options.bodyBytes - envelope('null').length - 1))
  const send = (res: ServerResponse, quote: string) => {
    const body = `${envelope(quote)}${items}}`
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  }
  const upstream = options.upstream
  if (upstream === undefined) return (_req, res) => send(res, 'null')
  return (_req, res) => {
    fetch(upstream)
      .then((answer) => answer.json())
      .then(
        (quote: unknown) => send(res, JSON.stringify(quote)),
        (error: unknown) => {
          res.writeHead(502, { 'content-type': 'text/plain' })
          res.end(`upstream failed: ${String(error)}`)
        },
      )
  }
}

/**
 * Serves {@link jsonHandler} in a bench child process (see `./child-server.ts`).
 * @example await startChildServer({ name: 'upstream', module: new URL('./json-service.ts', import.meta.url), options: { bodyBytes: 256 } })
 */
export const createService: CreateService = (options) => ({
  handler: jsonHandler({
    bodyBytes: Number(options['bodyBytes'] ?? 1024),
    upstream: typeof options['upstream'] === 'string' ? options['upstream'] : undefined,
  }),
})

/** A JSON array of small catalogue items, `bytes` characters long (ASCII, so also bytes). */
function itemsJson(bytes: number): string {
  const items: string[] = []
  let length = 2
  for (let index = 0; ; index++) {
    const item = JSON.stringify({
      id: `item-${index.toString(36).padStart(4, '0')}`,
      name: `Catalogue entry ${index}`,
      price: Math.round(((index * 7919) % 10_000) + 99) / 100,
      tags: ['bench', index % 2 === 0 ? 'even' : 'odd'],
    })
    // Room for this item, a comma, and a filler string ("", at least 2 characters) closing the array.
    if (length + item.length + 1 + 3 > bytes) break
    items.push(item)
    length += item.length + (items.length > 1 ? 1 : 0)
  }
  const filler = Math.max(0, bytes - length - (items.length > 0 ? 1 : 0) - 2)
  items.push(JSON.stringify('-'.repeat(filler)))
  return `[${items.join(',')}]`
}
