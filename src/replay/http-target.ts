/**
 * Black-box replay: a recorded inbound request sent again, with undici, to a running service named by its
 * base URL (any language), and its answer read back as a comparable value — `{ status, headers, body }`,
 * the body parsed as JSON when it says so, as text when it is text, as bytes otherwise. Only the named
 * origins are ever contacted, and every request carries `x-parallax-replay` so a recorder in front of or
 * inside the target does not record the replay.
 */
import { isUtf8 } from 'node:buffer'
import { type Dispatcher, Pool } from 'undici'
import { HOP_BY_HOP_HEADERS, REPLAY_HEADER } from '../record/index.ts'
import { bodyBytes } from '../recording/body.ts'
import { ParallaxError } from '../recording/errors.ts'
import type { RecordedRequest } from '../recording/types.ts'

/** A running service to replay against. */
export interface HttpTarget {
  name: string
  /** `http://127.0.0.1:3000` (a path prefix is kept: `http://host/api`). */
  url: string
}

/** What a target answered, as compared: headers by lower-case name, the body decoded. */
export interface TargetAnswer {
  status: number
  headers: Record<string, string>
  body: unknown
}

/**
 * What a target answered, as received: the body still bytes. Most answers agree byte for byte, and then
 * only status and headers need comparing: the body is decoded ({@link answerValue}) only when it differs.
 */
export interface RawAnswer {
  status: number
  headers: Record<string, string>
  bytes: Buffer
}

/**
 * The comparable value of an answer: the body parsed as JSON when the content type says so, as text when
 * it is UTF-8, as base64 otherwise.
 * @example answerValue({ status: 200, headers: { 'content-type': 'application/json' }, bytes }) // { status: 200, headers, body: { … } }
 */
export function answerValue(raw: RawAnswer): TargetAnswer {
  return {
    status: raw.status,
    headers: raw.headers,
    body: decodeBody(raw.bytes, raw.headers['content-type']),
  }
}

/** Methods sent without `--allow-side-effects`: the ones HTTP calls safe. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Request headers never forwarded: hop-by-hop ones, and those undici sets for the new connection. */
const DROPPED = new Set([...HOP_BY_HOP_HEADERS, 'host', 'content-length', REPLAY_HEADER])

/**
 * Parses `--target name=url`; the URL must be http(s) with a host.
 * @example parseTarget('local=http://127.0.0.1:3000') // { name: 'local', url: 'http://127.0.0.1:3000' }
 */
export function parseTarget(value: string): HttpTarget {
  const equals = value.indexOf('=')
  const name = equals === -1 ? '' : value.slice(0, equals).trim()
  const url = equals === -1 ? value : value.slice(equals + 1).trim()
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (name === '' || parsed === undefined || !/^https?:$/.test(parsed.protocol)) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to parse --target ${value}: it is not <name>=<http URL>.`,
      {
        hint: 'Write --target local=http://127.0.0.1:3000 --target prod=http://127.0.0.1:4000.',
      },
    )
  }
  return { name, url: url.replace(/\/+$/, '') }
}

/**
 * Sends recorded requests to targets over one keep-alive undici Pool per target.
 * @example const client = createTargetClient(targets, 8); const answer = await client.send(targets[0], request)
 */
export interface TargetClient {
  send(target: HttpTarget, request: RecordedRequest): Promise<RawAnswer>
  close(): Promise<void>
}

/**
 * Creates the client; `connections` caps the connections (and so the requests in flight) per target.
 * @example await using client = createTargetClient([local, prod], 8)
 */
export function createTargetClient(targets: readonly HttpTarget[], connections: number): TargetClient {
  // Per target, once: its pool and the path prefix its URL names.
  const endpoints = new Map(
    targets.map((target) => {
      const url = new URL(target.url)
      return [
        target.name,
        { pool: new Pool(url.origin, { connections }), prefix: url.pathname.replace(/\/$/, '') },
      ]
    }),
  )
  return {
    async send(target, request) {
      const endpoint = endpoints.get(target.name)
      if (!endpoint) throw new Error(`unknown target ${target.name}`)
      const { pool, prefix } = endpoint
      const recorded = new URL(request.url, 'http://recorded.invalid')
      const headers: string[] = []
      for (const [name, value] of request.headers) {
        if (!DROPPED.has(name.toLowerCase())) headers.push(name, value)
      }
      headers.push(REPLAY_HEADER, '1')
      const body = request.body === undefined ? undefined : bodyBytes(request.body)
      return await exchange(pool, {
        method: request.method,
        path: `${prefix}${recorded.pathname}${recorded.search}`,
        headers,
        ...(body !== undefined && body.byteLength > 0 && { body }),
      })
    },
    async close() {
      await Promise.all([...endpoints.values()].map(({ pool }) => pool.close()))
    },
  }
}

/** Content types whose bodies are decoded as JSON (`application/json`, `application/problem+json`…). */
export const JSON_CONTENT_TYPE = /\bjson\b/i

/**
 * Sends one request and collects its answer with undici's dispatch handlers: the body's chunks gathered
 * as they arrive, with no Readable stream or body mixin per answer (the `request` API's), which costs
 * more than the comparison on small answers.
 */
function exchange(pool: Pool, options: Dispatcher.DispatchOptions): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let status = 0
    let answerHeaders: Record<string, string> = {}
    const chunks: Buffer[] = []
    pool.dispatch(options, {
      onRequestStart() {},
      onResponseStart(_controller, statusCode, headers) {
        // 1xx answers come before the final one: only the last start counts.
        status = statusCode
        answerHeaders = {}
        for (const [name, value] of Object.entries(headers)) {
          if (value !== undefined)
            answerHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
        }
      },
      onResponseData(_controller, chunk) {
        chunks.push(chunk)
      },
      onResponseEnd() {
        resolve({
          status,
          headers: answerHeaders,
          bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
        })
      },
      onResponseError(_controller, error) {
        reject(error)
      },
    })
  })
}

/** JSON when the content type says so and it parses, text when it is UTF-8, base64 otherwise. */
function decodeBody(bytes: Buffer, contentType: string | undefined): unknown {
  if (bytes.byteLength === 0) return null
  const text = bytes.toString('utf8')
  if (JSON_CONTENT_TYPE.test(contentType ?? '')) {
    try {
      return JSON.parse(text) as unknown
    } catch {
      // Not JSON after all: compared as text.
    }
  }
  return isUtf8(bytes) ? text : { base64: bytes.toString('base64') }
}
