/**
 * The zod schemas a HAR file is read with. They are tolerant of what real producers write (missing
 * optional fields, `-1` and `null` sizes, `_`-prefixed custom fields, Polly's array header values,
 * Firefox's empty timings) and strict about bounds: every string, array and count is limited, and unknown
 * fields are dropped without being walked.
 */
import { z } from 'zod'
import { SCHEMA_LIMITS } from '../schema.ts'
import { SEGMENT_LIMITS } from '../segment-lines.ts'
import { HAR_PARALLAX_VERSION } from './har-types.ts'

/**
 * The bounds of a HAR file parallax imports; past them a file is hostile or broken, not a capture.
 * @example if (bytes > HAR_LIMITS.maxBytes) refuse()
 */
export const HAR_LIMITS = {
  /** The file's size: a 256 MiB HAR holds thousands of page loads. */
  maxBytes: 256 * 1024 * 1024,
  /** JSON nesting: room for a checkpoint value as deep as a segment line allows, 6 levels further down. */
  maxDepth: SEGMENT_LIMITS.maxLineDepth + 6,
  entries: 100_000,
  /** Form parameters of one request body. */
  params: 10_000,
} as const

const shortString = z.string().max(SCHEMA_LIMITS.shortString)
const headerValue = z.string().max(SCHEMA_LIMITS.headerValue)
/** Body text as HAR holds it: plain text or base64, whichever is longer. */
const bodyText = z.string().max(Math.max(SCHEMA_LIMITS.bodyText, SCHEMA_LIMITS.bodyBase64))
/** Sizes and times: producers write `-1` or `null` for "unknown", so any number or nothing. */
const anyNumber = z.number().nullish()

const harHeaderSchema = z.object({
  name: shortString,
  // Polly.JS 1.x wrote repeated headers as one entry with an array of values.
  value: z.union([headerValue, z.number(), z.boolean(), z.array(headerValue).max(SCHEMA_LIMITS.headers)]),
})

const harHeadersSchema = z.array(harHeaderSchema).max(SCHEMA_LIMITS.headers).nullish()

const harPostDataSchema = z.object({
  mimeType: shortString.nullish(),
  text: bodyText.nullish(),
  encoding: shortString.nullish(),
  _encoding: shortString.nullish(),
  params: z
    .array(z.object({ name: headerValue, value: bodyText.nullish() }))
    .max(HAR_LIMITS.params)
    .nullish(),
})

const harContentSchema = z.object({
  size: anyNumber,
  mimeType: shortString.nullish(),
  text: bodyText.nullish(),
  encoding: shortString.nullish(),
  // Polly.JS before 2.0 marked hex-encoded chunk arrays with `_isBinary`.
  _isBinary: z.boolean().nullish(),
})

/**
 * One HAR entry, as far as parallax reads it: the fields it maps, each bounded; the rest is dropped.
 * @example harEntrySchema.safeParse(har.log.entries[0])
 */
export const harEntrySchema = z.object({
  startedDateTime: shortString,
  time: anyNumber,
  request: z.object({
    method: shortString.min(1),
    url: z.string().min(1).max(SCHEMA_LIMITS.url),
    headers: harHeadersSchema,
    postData: harPostDataSchema.nullish(),
  }),
  response: z.object({
    status: z.int().min(0).max(999),
    statusText: shortString.nullish(),
    headers: harHeadersSchema,
    content: harContentSchema.nullish(),
    _error: headerValue.nullish(),
  }),
  timings: z.record(shortString, z.unknown()).nullish(),
  _parallax: z.unknown().optional(),
})

/**
 * A HAR entry as {@link harEntrySchema} reads it.
 * @example const entry: HarEntryInput = harEntrySchema.parse(raw)
 */
export type HarEntryInput = z.infer<typeof harEntrySchema>

/**
 * The envelope of a HAR file: `log.entries` must be an array; the entries are checked one by one later,
 * so one bad entry does not reject the file.
 * @example harEnvelopeSchema.parse({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [] } })
 */
export const harEnvelopeSchema = z.object({
  log: z.object({
    version: shortString.nullish(),
    creator: z.object({ name: shortString.nullish(), version: shortString.nullish() }).nullish(),
    entries: z.array(z.unknown()).max(HAR_LIMITS.entries),
  }),
})

const bodyFactsSchema = z.strictObject({
  size: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256'),
  truncated: z.literal(true).optional(),
  contentEncoding: shortString.optional(),
})

const milliseconds = z.number().min(0).max(Number.MAX_SAFE_INTEGER)

/**
 * The `_parallax` field of an entry parallax exported. Recording-level fields are only shaped here;
 * the finished recording is validated by the recording schema.
 * @example exchangeFactsSchema.safeParse(entry._parallax)
 */
export const exchangeFactsSchema = z.strictObject({
  version: z.literal(HAR_PARALLAX_VERSION),
  recording: z.string().min(1).max(SCHEMA_LIMITS.shortString),
  role: z.enum(['inbound', 'outbound']),
  index: z.int().min(0).max(SCHEMA_LIMITS.outbound),
  startedAtMs: milliseconds,
  durationMs: milliseconds,
  requestBody: bodyFactsSchema.optional(),
  responseBody: bodyFactsSchema.optional(),
  emptyStatusText: z.literal(true).optional(),
  chunks: z.array(z.unknown()).max(SCHEMA_LIMITS.chunks).optional(),
  recordedAt: shortString.optional(),
  meta: z.unknown().optional(),
  nondeterminism: z.unknown().optional(),
  checkpoints: z.array(z.unknown()).max(SCHEMA_LIMITS.checkpoints).optional(),
  outbound: z.int().min(0).max(SCHEMA_LIMITS.outbound).optional(),
})

/**
 * The `_parallax` field as {@link exchangeFactsSchema} reads it.
 * @example const facts: ExchangeFactsInput = exchangeFactsSchema.parse(entry._parallax)
 */
export type ExchangeFactsInput = z.infer<typeof exchangeFactsSchema>
