/**
 * The redactor: one object holding the rules, the name lists and the HMAC key, that redacts anything a
 * recording holds — header lists, URLs, bodies, checkpoint values, whole exchanges and recordings — so no
 * secret reaches disk. Redacting is idempotent: a redacted recording comes back unchanged.
 */
import { isUtf8 } from 'node:buffer'
import { ParallaxError } from '../../recording/errors.ts'
import type { Body, Exchange, HeaderList, Recording } from '../../recording/types.ts'
import { redactBody } from './body-secrets.ts'
import { DEFAULT_TEXT_RULES } from './default-text-rules.ts'
import { redactExchange } from './exchange-secrets.ts'
import { maskSecret } from './find-secrets.ts'
import { redactHeaderList, URL_HEADER_TERMS } from './header-secrets.ts'
import { DEFAULT_REDACTION_KEY } from './placeholder.ts'
import { redactByteString } from './redact-bytes.ts'
import type { RedactContext } from './redact-context.ts'
import {
  createNameMatcher,
  DEFAULT_SECRET_BODY_KEYS,
  DEFAULT_SECRET_HEADERS,
  DEFAULT_SECRET_QUERY_PARAMS,
  type NameRules,
  type SecretNames,
  secretNameTerms,
} from './secret-names.ts'
import { termScan, WIDE } from './term-scan.ts'
import { literalGate, type TextPattern, type TextRule, textPatternRule } from './text-rule.ts'
import { memoizedUrl } from './url-secrets.ts'
import { redactCanonicalValue } from './value-secrets.ts'

/**
 * What to redact. Every default rule is on; each list can be extended or trimmed.
 * @example
 * createRedactor({
 *   key: process.env.PARALLAX_REDACTION_KEY,
 *   headers: { add: ['x-session'] },
 *   query: { remove: ['code'] },
 *   bodyKeys: { add: ['ssn'] },
 *   patterns: { add: [{ name: 'acme-key', pattern: /acme_[a-z0-9]{32}/ }], remove: ['openai-key'] },
 * })
 */
export interface RedactionOptions {
  /** HMAC-SHA256 key of the placeholders; default {@link DEFAULT_REDACTION_KEY} (public: set your own). */
  key?: string | undefined
  /** Header names (see DEFAULT_SECRET_HEADERS). */
  headers?: NameRules
  /** Query and fragment parameter names (see DEFAULT_SECRET_QUERY_PARAMS). */
  query?: NameRules
  /** JSON keys, form and multipart field names, `name=value` names in text (see DEFAULT_SECRET_BODY_KEYS). */
  bodyKeys?: NameRules
  /** Text rules: extra patterns, and default rule names to turn off (see DEFAULT_TEXT_RULES). */
  patterns?: { add?: readonly TextPattern[]; remove?: readonly string[] }
}

/**
 * One secret a redaction replaced, safe to print: where it was, the rule that found it, a masked hint
 * and its placeholder — never the secret.
 * @example { where: 'inbound.request.headers[1] (authorization)', rule: 'authorization', hint: 'eyJ… (143 chars)', placeholder: '[redacted:3f0c9a1b2c4d]' }
 */
export interface RedactionFinding {
  where: string
  rule: string
  hint: string
  placeholder: string
}

/**
 * A redacted recording and what was replaced in it.
 * @example const { recording, findings } = redactor.audit(loaded)
 */
export interface RedactionAudit {
  recording: Recording
  findings: RedactionFinding[]
}

/**
 * Redacts what a recording holds; every method returns a copy and never throws on odd input.
 * @example const redactor = createRedactor(); writer.write(redactor.recording(recording))
 */
export interface Redactor {
  /** A header list with secret values replaced (names, order and repeats kept). */
  headers(headers: HeaderList): HeaderList
  /** A URL with secret userinfo, query and fragment values and tokens replaced; still a valid URL. */
  url(url: string): string
  /** Free text (a log line, a status text) through the JSON-shaped and text rules. */
  text(text: string): string
  /** Body bytes, by their Content-Type (form, multipart, JSON, anything else as text or binary). */
  bytes(bytes: Uint8Array, contentType?: string): Buffer
  /** A recorded body, `size` and `sha256` recomputed when it changed. */
  body(body: Body, contentType?: string): Body
  /** A canonical value (a checkpoint's), by secret key names and text rules. */
  value(value: unknown): unknown
  /** An exchange: URL, headers, bodies, `content-length` and chunk timeline. */
  exchange(exchange: Exchange): Exchange
  /** A whole recording: every exchange and checkpoint. */
  recording(recording: Recording): Recording
  /** Like `recording`, and lists every secret replaced (for `parallax scan` and summaries). */
  audit(recording: Recording): RedactionAudit
  /** Like `text`, and lists every secret replaced (their `where` is `text`). */
  auditText(text: string): { text: string; findings: RedactionFinding[] }
}

/**
 * Creates a redactor; throws PARALLAX_USAGE for an empty key, an invalid pattern or an unknown rule name.
 * @example
 * const redactor = createRedactor({ key: 'k' })
 * redactor.url('https://api.test/cb?code=abc&state=1') // 'https://api.test/cb?code=%5Bredacted%3A…%5D&state=1'
 */
export function createRedactor(options: RedactionOptions = {}): Redactor {
  const ctx = createRedactContext(options)
  const redactRecording = (
    recording: Recording,
    context: RedactContext,
    locate?: (where: string) => void,
  ) => {
    const out: Recording = {
      ...recording,
      inbound: redactExchange(recording.inbound, context, 'inbound', locate),
      outbound: recording.outbound.map((exchange, index) =>
        redactExchange(exchange, context, `outbound[${index}]`, locate),
      ),
    }
    if (recording.checkpoints !== undefined) {
      out.checkpoints = recording.checkpoints.map((checkpoint, index) => {
        locate?.(`checkpoints[${index}] (${checkpoint.name})`)
        return { ...checkpoint, value: redactCanonicalValue(checkpoint.value, context) }
      })
    }
    return out
  }
  const redactText = (text: string, context: RedactContext) => {
    const result = redactByteString(Buffer.from(text, 'utf8').toString('latin1'), context, { textual: true })
    return result.passes.length === 0 ? text : Buffer.from(result.text, 'latin1').toString('utf8')
  }
  const auditing = (where: () => string) => {
    const findings: RedactionFinding[] = []
    const context: RedactContext = {
      ...ctx,
      found: (rule, secret, placeholder) =>
        findings.push({ where: where(), rule, hint: maskSecret(secret), placeholder }),
    }
    return { findings, context }
  }
  return {
    headers: (headers) => redactHeaderList(headers, ctx),
    url: (url) => memoizedUrl(url, ctx),
    text: (text) => redactText(text, ctx),
    bytes(bytes, contentType) {
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      const textual = isUtf8(buffer)
      const result = redactByteString(buffer.toString('latin1'), ctx, { contentType, textual })
      return result.passes.length === 0 ? Buffer.from(buffer) : Buffer.from(result.text, 'latin1')
    },
    body: (body, contentType) => redactBody(body, contentType, ctx)?.body ?? body,
    value: (value) => redactCanonicalValue(value, ctx),
    exchange: (exchange) => redactExchange(exchange, ctx, 'exchange'),
    recording: (recording) => redactRecording(recording, ctx),
    audit(recording) {
      let where = 'recording'
      const { findings, context } = auditing(() => where)
      const redacted = redactRecording(recording, context, (at) => {
        where = at
      })
      return { recording: redacted, findings }
    },
    auditText(text) {
      const { findings, context } = auditing(() => 'text')
      return { text: redactText(text, context), findings }
    },
  }
}

/**
 * The redaction of whole recordings the recorder and the proxy apply by default: the default rules, with
 * `names` added to the secret headers, `rules` beyond them and the placeholder `key`.
 * @example const redact = recordingRedaction({ names: ['x-session'], key: process.env.PARALLAX_REDACTION_KEY })
 */
export function recordingRedaction(
  options: { names?: readonly string[]; key?: string; rules?: Omit<RedactionOptions, 'key'> } = {},
): (recording: Recording) => Recording {
  return createRedactor({
    ...options.rules,
    ...(options.key !== undefined && { key: options.key }),
    headers: {
      ...options.rules?.headers,
      add: [...(options.rules?.headers?.add ?? []), ...(options.names ?? [])],
    },
  }).recording
}

/**
 * Builds the shared context of a redactor once: name matchers, rules, key and fast paths.
 * @example redactHeaderValue('Authorization', 'Bearer abc', createRedactContext({}))
 */
export function createRedactContext(options: RedactionOptions): RedactContext {
  const key = options.key ?? DEFAULT_REDACTION_KEY
  if (key === '') {
    throw new ParallaxError('PARALLAX_USAGE', 'Failed to create the redactor: the redaction key is empty.', {
      hint: 'Set PARALLAX_REDACTION_KEY (or the `key` option) to a long random string, or leave it unset for the public default.',
    })
  }
  const names: SecretNames = {
    header: createNameMatcher(DEFAULT_SECRET_HEADERS, options.headers),
    query: createNameMatcher(DEFAULT_SECRET_QUERY_PARAMS, options.query),
    bodyKey: createNameMatcher(DEFAULT_SECRET_BODY_KEYS, options.bodyKeys),
    field: () => false,
  }
  names.field = (name) => names.bodyKey(name) || names.query(name)
  const removed = new Set(options.patterns?.remove ?? [])
  const known = new Set(DEFAULT_TEXT_RULES.map((rule) => rule.name))
  const unknown = [...removed].filter((name) => !known.has(name))
  if (unknown.length > 0) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to create the redactor: there is no text rule named ${unknown.map((n) => JSON.stringify(n)).join(', ')}.`,
      {
        hint: `Turn off one of: ${[...known].join(', ')}.`,
        details: { unknown },
      },
    )
  }
  const rules = [
    ...DEFAULT_TEXT_RULES.filter((rule) => !removed.has(rule.name)),
    ...(options.patterns?.add ?? []).map(textPatternRule),
  ]
  const gate = literalGate(rules)
  const quiet = quietTest(rules, names)
  return { key, names, rules, gate, quiet, plainHeader: plainHeaderTest(names, quiet) }
}

/**
 * The fast path for ordinary headers: the name holds no secret header name nor URL header name (so it
 * is neither, whatever its spelling), and the value is quiet (a value with a character above 255 is
 * redacted as its UTF-8 bytes, the long way).
 */
function plainHeaderTest(
  names: SecretNames,
  quiet: ((text: string) => boolean) | undefined,
): ((name: string, value: string) => boolean) | undefined {
  const terms = secretNameTerms([names.header])
  if (quiet === undefined || terms === undefined) return undefined
  const special = termScan({ exact: [], normalized: [...terms, ...URL_HEADER_TERMS] })
  if (special === undefined) return undefined
  return (name, value) => !special(name) && !WIDE.test(value) && quiet(value)
}

/** The rules without literals that look for secret names only (so the name test covers them). */
const NAME_RULES = new Set(['url-query-secret', 'secret-assignment'])

/**
 * The fast path for clean bodies: no literal of any rule occurs, no run could be a secret body key or
 * query parameter, and nothing is escaped (a backslash) or percent-encoded where a name could hide —
 * all looked for in one pass (see `termScan`). Undefined when a rule (a custom pattern without literals)
 * could match anyway.
 */
function quietTest(rules: readonly TextRule[], names: SecretNames): ((text: string) => boolean) | undefined {
  const unguarded = rules.some(
    (rule) =>
      rule.literals === undefined && !(NAME_RULES.has(rule.name) && DEFAULT_TEXT_RULES.includes(rule)),
  )
  const nameTerms = secretNameTerms([names.bodyKey, names.query])
  if (unguarded || nameTerms === undefined) return undefined
  const literals = rules.flatMap((rule) => rule.literals ?? [])
  const holdsTerm = termScan({ exact: [...new Set([...literals, '\\', '%'])], normalized: nameTerms })
  return holdsTerm === undefined ? undefined : (text) => !holdsTerm(text)
}
