/**
 * Building the default pipeline input from an HTTP request, the same way in production and in replay.
 */
import type { HeaderList } from '../recording/types.ts'
import type { PipelineRequest } from './types.ts'

const TEXT_TYPE = /^(text\/|application\/(x-www-form-urlencoded|xml|javascript))/i
const JSON_TYPE = /^application\/([\w.+-]*\+)?json/i

/**
 * Turns method, path, headers and raw body bytes into a {@link PipelineRequest}; JSON bodies are parsed.
 * @example pipelineRequest('POST', '/suggest', [['content-type', 'application/json']], Buffer.from('{"text":"hi"}'))
 */
export function pipelineRequest(
  method: string,
  url: string,
  headers: HeaderList,
  body: Uint8Array,
): PipelineRequest {
  const type = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? ''
  return { method: method.toUpperCase(), url, headers, body: parseBody(type, body) }
}

function parseBody(type: string, body: Uint8Array): unknown {
  if (body.byteLength === 0) return null
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
  if (JSON_TYPE.test(type)) {
    try {
      return JSON.parse(text) as unknown
    } catch {
      return text
    }
  }
  if (TEXT_TYPE.test(type)) return text
  return Buffer.from(body).toString('base64')
}
