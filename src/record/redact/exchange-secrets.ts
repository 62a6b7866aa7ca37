/**
 * One exchange: URL, header lists, bodies (by their own Content-Type), status text and incomplete reason.
 * A changed body gets a matching `content-length` and a chunk timeline moved through its edits.
 */
import type { Body, Exchange, HeaderList, RecordedRequest, RecordedResponse } from '../../recording/types.ts'
import { redactBody, remapChunks } from './body-secrets.ts'
import { memoizedHeaderValue } from './header-secrets.ts'
import { redactByteString } from './redact-bytes.ts'
import type { RedactContext } from './redact-context.ts'
import { memoizedUrl } from './url-secrets.ts'

/**
 * Told where the redaction is before each part is redacted (for audit findings).
 * @example redactExchange(exchange, ctx, 'outbound[0]', (where) => { current = where })
 */
export type Locate = (where: string) => void

/**
 * Redacts an exchange into a copy; `at` names it in findings (`inbound`, `outbound[2]`).
 * @example redactExchange(recording.inbound, ctx, 'inbound')
 */
export function redactExchange(
  exchange: Exchange,
  ctx: RedactContext,
  at: string,
  locate?: Locate,
): Exchange {
  return {
    ...exchange,
    request: redactRequest(exchange.request, ctx, `${at}.request`, locate),
    response: redactResponse(exchange.response, ctx, `${at}.response`, locate),
  }
}

function redactRequest(
  request: RecordedRequest,
  ctx: RedactContext,
  at: string,
  locate?: Locate,
): RecordedRequest {
  locate?.(`${at}.url`)
  const url = memoizedUrl(request.url, ctx)
  const headers = redactHeaders(request.headers, ctx, at, locate)
  const out: RecordedRequest = { ...request, url, headers }
  if (request.body !== undefined) {
    locate?.(`${at}.body`)
    const redacted = redactBody(request.body, contentTypeOf(request.headers), ctx)
    if (redacted !== undefined) {
      out.body = redacted.body
      out.headers = withContentLength(headers, redacted.body)
    }
  }
  return out
}

function redactResponse(
  response: RecordedResponse,
  ctx: RedactContext,
  at: string,
  locate?: Locate,
): RecordedResponse {
  const headers = redactHeaders(response.headers, ctx, at, locate)
  const out: RecordedResponse = { ...response, headers }
  if (response.statusText !== undefined) {
    locate?.(`${at}.statusText`)
    out.statusText = redactLine(response.statusText, ctx)
  }
  if (response.incomplete !== undefined) {
    locate?.(`${at}.incomplete`)
    out.incomplete = redactLine(response.incomplete, ctx)
  }
  if (response.body !== undefined) {
    locate?.(`${at}.body`)
    const redacted = redactBody(response.body, contentTypeOf(response.headers), ctx)
    if (redacted !== undefined) {
      out.body = redacted.body
      out.headers = withContentLength(headers, redacted.body)
      if (response.chunks !== undefined) {
        out.chunks = remapChunks(response.chunks, response.body.size, redacted.passes, redacted.body.size)
      }
    }
  }
  return out
}

function redactHeaders(headers: HeaderList, ctx: RedactContext, at: string, locate?: Locate): HeaderList {
  return headers.map(([name, value], index) => {
    locate?.(`${at}.headers[${index}] (${name.toLowerCase()})`)
    return [name, memoizedHeaderValue(name, value, ctx)]
  })
}

function redactLine(text: string, ctx: RedactContext): string {
  if (/[^\x00-\xff]/.test(text)) {
    const result = redactByteString(Buffer.from(text, 'utf8').toString('latin1'), ctx, { textual: true })
    return result.passes.length === 0 ? text : Buffer.from(result.text, 'latin1').toString('utf8')
  }
  return redactByteString(text, ctx, { textual: true }).text
}

/**
 * The first Content-Type of a header list.
 * @example contentTypeOf([['Content-Type', 'application/json']]) // 'application/json'
 */
export function contentTypeOf(headers: HeaderList): string | undefined {
  return headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1]
}

/** A body stored decoded keeps the wire's Content-Length (it describes the encoded bytes). */
function withContentLength(headers: HeaderList, body: Body): HeaderList {
  if (body.contentEncoding !== undefined) return headers
  return headers.map(([name, value]) =>
    name.toLowerCase() === 'content-length' ? [name, String(body.size)] : [name, value],
  )
}
