/**
 * The zod schemas that validate untrusted recording files against exactly the types in types.ts
 * (a type-level test in schema.test.ts keeps the two mutually assignable), with every size bounded.
 */
import { z } from 'zod'
import { ParallaxError } from './errors.ts'
import { RECORDING_FORMAT, RECORDING_VERSION, type Recording } from './types.ts'

const KiB = 1024
const MiB = 1024 * KiB

/**
 * The bounds a recording must stay within; a file past them is hostile or broken, not production traffic.
 * @example recordingSchema.parse(line) // rejects a header value longer than SCHEMA_LIMITS.headerValue
 */
export const SCHEMA_LIMITS = {
  /** Ids, names, methods, versions, timestamps. */
  shortString: 1 * KiB,
  url: 64 * KiB,
  headerValue: 64 * KiB,
  headers: 1_000,
  /** UTF-8 body text, in UTF-16 code units. */
  bodyText: 64 * MiB,
  /** Base64 of a 64 MiB body. */
  bodyBase64: Math.ceil((64 * MiB) / 3) * 4,
  chunks: 100_000,
  outbound: 10_000,
  checkpoints: 10_000,
  /** Clock reads, random numbers and UUIDs, each. */
  nondeterminism: 1_000_000,
} as const

const shortString = z.string().max(SCHEMA_LIMITS.shortString)
const milliseconds = z.number().min(0).max(Number.MAX_SAFE_INTEGER)
const byteCount = z.int().min(0).max(Number.MAX_SAFE_INTEGER)
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256')

const headerListSchema = z
  .array(z.tuple([shortString, z.string().max(SCHEMA_LIMITS.headerValue)]))
  .max(SCHEMA_LIMITS.headers)

const bodySchema = z.discriminatedUnion('encoding', [
  z.strictObject({
    encoding: z.literal('utf8'),
    text: z.string().max(SCHEMA_LIMITS.bodyText),
    size: byteCount,
    sha256,
    truncated: z.literal(true).optional(),
    contentEncoding: shortString.optional(),
  }),
  z.strictObject({
    encoding: z.literal('base64'),
    data: z
      .string()
      .max(SCHEMA_LIMITS.bodyBase64)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 text'),
    size: byteCount,
    sha256,
    truncated: z.literal(true).optional(),
    contentEncoding: shortString.optional(),
  }),
])

const exchangeSchema = z.strictObject({
  request: z.strictObject({
    method: shortString,
    url: z.string().max(SCHEMA_LIMITS.url),
    headers: headerListSchema,
    body: bodySchema.optional(),
  }),
  response: z.strictObject({
    status: z.int().min(0).max(999),
    statusText: shortString.optional(),
    headers: headerListSchema,
    body: bodySchema.optional(),
    chunks: z
      .array(z.strictObject({ offsetMs: milliseconds, size: byteCount }))
      .max(SCHEMA_LIMITS.chunks)
      .optional(),
    incomplete: z.string().max(SCHEMA_LIMITS.headerValue).optional(),
  }),
  startedAtMs: milliseconds,
  durationMs: milliseconds,
})

/**
 * One recording line of a segment (see {@link Recording}).
 * @example const recording: Recording = recordingSchema.parse(JSON.parse(line))
 */
export const recordingSchema = z.strictObject({
  id: z.string().min(1).max(SCHEMA_LIMITS.shortString),
  recordedAt: shortString,
  meta: z.strictObject({
    service: shortString,
    environment: shortString,
    version: shortString.optional(),
    configFingerprint: shortString.optional(),
    pipeline: shortString.optional(),
  }),
  inbound: exchangeSchema,
  outbound: z.array(exchangeSchema).max(SCHEMA_LIMITS.outbound),
  nondeterminism: z.strictObject({
    clock: z.array(z.number()).max(SCHEMA_LIMITS.nondeterminism),
    random: z.array(z.number().min(0).max(1)).max(SCHEMA_LIMITS.nondeterminism),
    uuids: z.array(shortString).max(SCHEMA_LIMITS.nondeterminism),
  }),
  checkpoints: z
    .array(
      z.strictObject({
        name: shortString,
        value: z
          .unknown()
          .meta({ description: 'The canonical encoding (src/recording/canonical.ts) of the value.' }),
      }),
    )
    .max(SCHEMA_LIMITS.checkpoints)
    .optional(),
})

/**
 * Line 1 of every segment (see {@link SegmentHeader}).
 * @example segmentHeaderSchema.parse({ format: 'parallax-recording', version: 1, creator, createdAt })
 */
export const segmentHeaderSchema = z.strictObject({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(RECORDING_VERSION),
  creator: z.strictObject({ name: shortString, version: shortString }),
  createdAt: shortString,
})

/** Where a value came from, for messages: a file and a 1-based line. */
export interface RecordingSource {
  file: string
  line: number
}

/**
 * Validates one parsed recording line, throwing PARALLAX_RECORDING_INVALID naming file, line and field.
 * @example parseRecording(JSON.parse(text), { file: 'recordings/a.ndjson', line: 2 })
 */
export function parseRecording(value: unknown, where: RecordingSource): Recording {
  const result = recordingSchema.safeParse(value)
  if (result.success) return result.data
  const issue = firstIssue(result.error, value)
  throw new ParallaxError(
    'PARALLAX_RECORDING_INVALID',
    `Failed to load recording ${where.file}:${where.line}: ${issue.field} ${issue.problem}.`,
    {
      hint: 'Fix or delete that line (the other lines still load), or re-record it with this version of parallax.',
      details: { file: where.file, line: where.line, field: issue.field },
    },
  )
}

/**
 * Why a value fails a schema, as `{ field, problem }` for the message `<field> <problem>`.
 * @example describeFirstIssue(segmentHeaderSchema, header) // { field: 'creator.name', problem: 'is missing' }
 */
export function describeFirstIssue(schema: z.ZodType, value: unknown): FieldProblem | undefined {
  const result = schema.safeParse(value)
  return result.success ? undefined : firstIssue(result.error, value)
}

/** A field path (`inbound.request.headers[0][1]`, or `the line` for the whole value) and what is wrong with it. */
export interface FieldProblem {
  field: string
  problem: string
}

function formatField(path: readonly PropertyKey[]): string {
  let out = ''
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`
    else out += out === '' ? String(step) : `.${String(step)}`
  }
  return out === '' ? 'the line' : out
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root
  for (const step of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, step)) return undefined
    current = (current as Record<PropertyKey, unknown>)[step]
  }
  return current
}

function firstIssue(error: z.ZodError, value: unknown): FieldProblem {
  const issue = error.issues[0]
  if (issue === undefined) return { field: 'the line', problem: 'is invalid' }
  const field = formatField(issue.path)
  switch (issue.code) {
    case 'invalid_type': {
      const actual = valueAt(value, issue.path)
      if (actual === undefined && (issue.expected === 'unknown' || issue.expected === 'nonoptional'))
        return { field, problem: 'is missing' }
      return actual === undefined
        ? { field, problem: `is missing (expected ${issue.expected})` }
        : { field, problem: `is ${typeName(actual)}, expected ${issue.expected}` }
    }
    case 'too_big':
      return { field, problem: `is too big (at most ${String(issue.maximum)}${sizeUnit(issue.origin)})` }
    case 'too_small':
      return { field, problem: `is too small (at least ${String(issue.minimum)}${sizeUnit(issue.origin)})` }
    case 'unrecognized_keys':
      return { field, problem: `has unknown keys ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}` }
    case 'invalid_value':
      return { field, problem: `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}` }
    case 'invalid_union':
      return { field, problem: 'matches none of the allowed shapes' }
    case 'invalid_format':
      return {
        field,
        problem: `is not ${issue.message.replace(/^Invalid string: must match pattern .*/, 'valid')}`,
      }
    default:
      return { field, problem: `is invalid (${issue.message})` }
  }
}

function sizeUnit(origin: string): string {
  if (origin === 'string') return ' characters'
  if (origin === 'array') return ' items'
  return ''
}
