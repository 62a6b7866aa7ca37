/**
 * Writes schema/recording.schema.json from the zod schemas (`npm run schema`).
 */
import { writeFile } from 'node:fs/promises'
import { recordingJsonSchemaText } from '../src/recording/json-schema.ts'

const target = new URL('../schema/recording.schema.json', import.meta.url)
await writeFile(target, recordingJsonSchemaText())
console.info(`[parallax] wrote ${target.pathname}`)
