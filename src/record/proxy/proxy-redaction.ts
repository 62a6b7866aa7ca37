/**
 * The proxy's default redaction: the full redactor (headers, URL, bodies, text patterns) over the
 * recorded exchange, as the in-process recorder applies it.
 */
import type { Recording } from '../../recording/types.ts'
import { type RedactionOptions, recordingRedaction } from '../redact/create-redactor.ts'

/**
 * Builds a `redact` function for {@link createRecordingProxy}: secret headers (the defaults plus `names`),
 * URL userinfo and query parameters, body fields and tokens found by pattern, replaced by keyed placeholders.
 * @example createRecordingProxy({ target, onRecording, redact: createProxyRedaction({ names: ['x-session'], key }) })
 */
export function createProxyRedaction(
  options: { names?: readonly string[]; key?: string; rules?: Omit<RedactionOptions, 'key'> } = {},
): (recording: Recording) => Recording {
  return recordingRedaction(options)
}

/**
 * The redaction a proxy uses when given none: {@link createProxyRedaction} with the default rules and key.
 * @example defaultProxyRedaction(recording).inbound.request.headers // [['Authorization', 'Bearer [redacted:…]'], …]
 */
export const defaultProxyRedaction: (recording: Recording) => Recording = createProxyRedaction()
