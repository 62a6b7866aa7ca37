/**
 * Writes the JSON Schemas generated from the zod schemas (`npm run schema`): schema/recording.schema.json
 * (recording segments) and schema/scenario.schema.json (JSON scenario files).
 */
import { writeFile } from 'node:fs/promises'
import { recordingJsonSchemaText } from '../src/recording/json-schema.ts'
import { scenarioJsonSchemaText } from '../src/scenario/scenario-schema.ts'

for (const [name, text] of [
  ['recording', recordingJsonSchemaText()],
  ['scenario', scenarioJsonSchemaText()],
] as const) {
  const target = new URL(`../schema/${name}.schema.json`, import.meta.url)
  await writeFile(target, text)
  console.info(`[parallax] wrote ${target.pathname}`)
}
