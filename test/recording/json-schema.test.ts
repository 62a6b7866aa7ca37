import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { recordingJsonSchema, recordingJsonSchemaText } from '../../src/recording/json-schema.ts'

const checkedIn = new URL('../../schema/recording.schema.json', import.meta.url)

describe('recording JSON schema', () => {
  it('schema/recording.schema.json: equals what `npm run schema` writes now (run it after changing schema.ts)', async () => {
    expect(await readFile(checkedIn, 'utf8')).toBe(recordingJsonSchemaText())
  })

  it('recordingJsonSchema: describes the header and a recording line, each closed to unknown keys', () => {
    const schema = recordingJsonSchema() as {
      $id: string
      $defs: Record<string, { additionalProperties: boolean; required: string[] }>
    }
    expect(schema.$id).toBe('urn:parallax:parallax-recording:1')
    expect(schema.$defs['segmentHeader']).toMatchObject({
      additionalProperties: false,
      required: ['format', 'version', 'creator', 'createdAt'],
    })
    expect(schema.$defs['recording']).toMatchObject({
      additionalProperties: false,
      required: ['id', 'recordedAt', 'meta', 'inbound', 'outbound', 'nondeterminism'],
    })
  })
})
