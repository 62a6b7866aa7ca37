/**
 * Scenario files written as JSON (`scenarios/api.json`), for teams whose services are not in TypeScript:
 * the same fields as `defineScenario`, checked by a zod schema, published as JSON Schema
 * (`schema/scenario.schema.json`, written by `npm run schema`) so editors complete and check them.
 */
import { z } from 'zod'
import { noiseRulesSchema } from '../diff/index.ts'
import { formatJsonText } from '../recording/json-schema.ts'

/** One variant: its config object, and optionally env vars, time zone, locale and isolation. */
const variantSchema = z.strictObject({
  config: z.record(z.string(), z.unknown()),
  env: z.record(z.string(), z.string()).optional(),
  tz: z.string().min(1).optional(),
  locale: z.string().min(1).optional(),
  isolation: z.enum(['worker', 'process']).optional(),
})

/**
 * A JSON scenario file. Paths (pipeline module, recordings) are relative to the file.
 * @example scenarioFileSchema.parse(JSON.parse(text))
 */
export const scenarioFileSchema = z.strictObject({
  /** Editors' pointer to schema/scenario.schema.json; ignored. */
  $schema: z.string().optional(),
  name: z.string().min(1),
  pipeline: z.strictObject({ module: z.string().min(1), export: z.string().min(1).optional() }),
  recordings: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  variants: z.record(z.string(), variantSchema),
  compare: z.tuple([z.string(), z.string()]).optional(),
  seed: z.number().int().optional(),
  allowHosts: z.array(z.string()).optional(),
  noise: noiseRulesSchema.optional(),
  expect: z.union([z.literal('agree'), z.strictObject({ divergeAt: z.string().min(1) })]).optional(),
})

/** A JSON scenario file's content. */
export type ScenarioFile = z.infer<typeof scenarioFileSchema>

/**
 * The text of schema/scenario.schema.json.
 * @example await writeFile('schema/scenario.schema.json', scenarioJsonSchemaText())
 */
export function scenarioJsonSchemaText(): string {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(scenarioFileSchema, { target: 'draft-2020-12' })
  return formatJsonText({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'urn:parallax:scenario:1',
    title: 'parallax scenario file',
    description:
      'A scenario as JSON: which pipeline, which recordings, which variants, noise rules and the expectation of parallax test. Generated from src/scenario/scenario-schema.ts by `npm run schema`.',
    ...schema,
  })
}
