/**
 * The JSON Schema of the recording format, generated from the zod schemas so the two never disagree.
 * `npm run schema` writes it to schema/recording.schema.json; a test fails when that file is stale.
 */
import { z } from 'zod'
import { recordingSchema, segmentHeaderSchema } from './schema.ts'
import { RECORDING_FORMAT, RECORDING_VERSION } from './types.ts'

/**
 * The JSON Schema document for one segment line: the header (line 1) or a recording (every further line).
 * @example const schema = recordingJsonSchema(); schema.$defs.recording
 */
export function recordingJsonSchema(): Record<string, unknown> {
  const definition = (schema: z.ZodType) => {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12' })
    return rest
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:parallax:${RECORDING_FORMAT}:${RECORDING_VERSION}`,
    title: `parallax recording segment line (${RECORDING_FORMAT} version ${RECORDING_VERSION})`,
    description:
      'A segment is an NDJSON file: line 1 is a segmentHeader, every further line one recording. Generated from src/recording/schema.ts by `npm run schema`.',
    oneOf: [{ $ref: '#/$defs/segmentHeader' }, { $ref: '#/$defs/recording' }],
    $defs: {
      segmentHeader: { title: 'SegmentHeader', ...definition(segmentHeaderSchema) },
      recording: { title: 'Recording', ...definition(recordingSchema) },
    },
  }
}

/**
 * The text of schema/recording.schema.json, laid out as the repository's formatter (biome) lays out JSON,
 * so `npm run lint` accepts the generated file as it is.
 * @example await writeFile('schema/recording.schema.json', recordingJsonSchemaText())
 */
export function recordingJsonSchemaText(): string {
  return formatJson(recordingJsonSchema(), '', '', '') + '\n'
}

const LINE_WIDTH = 110

/**
 * JSON text laid out as the repository's formatter (biome) lays out JSON: objects break onto lines, an array
 * of primitives stays on one line when it fits. For generated files that `npm run lint` must accept.
 * @example formatJsonText({ a: [1, 2] }) // '{\n  "a": [1, 2]\n}\n'
 */
export function formatJsonText(value: unknown): string {
  return formatJson(value, '', '', '') + '\n'
}

// Objects always break onto lines; an array of primitives stays on one line when that line fits.
function formatJson(value: unknown, indent: string, prefix: string, suffix: string): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value)
  const inner = indent + '  '
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    if (value.every((item) => typeof item !== 'object' || item === null)) {
      const line = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`
      if (indent.length + prefix.length + line.length + suffix.length <= LINE_WIDTH) return line
    }
    const items = value.map((item, i) => inner + formatJson(item, inner, '', i < value.length - 1 ? ',' : ''))
    return `[\n${items.join(',\n')}\n${indent}]`
  }
  const entries = Object.entries(value)
  if (entries.length === 0) return '{}'
  const members = entries.map(([key, item], i) => {
    const head = `${JSON.stringify(key)}: `
    return inner + head + formatJson(item, inner, head, i < entries.length - 1 ? ',' : '')
  })
  return `{\n${members.join(',\n')}\n${indent}}`
}
