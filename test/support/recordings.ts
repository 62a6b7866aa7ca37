/**
 * Hand-made recordings for replay tests: one inbound `POST /greet` and one outbound call to a
 * made-up upstream (`.invalid` never resolves, so an escaped call could not reach anything either).
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bodyFromBytes } from '../../src/recording/body.ts'
import { writeSegment } from '../../src/recording/index.ts'
import type { Exchange, Recording } from '../../src/recording/types.ts'

export const UPSTREAM = 'http://upstream.invalid'

/** A JSON exchange: `method url` answered `status` with `body`. */
export function jsonExchange(method: string, url: string, body: unknown, startedAtMs = 1): Exchange {
  return {
    request: { method, url, headers: [['accept', '*/*']] },
    response: {
      status: 200,
      headers: [['content-type', 'application/json']],
      body: bodyFromBytes(Buffer.from(JSON.stringify(body))),
    },
    startedAtMs,
    durationMs: 2,
  }
}

/**
 * A recording of `POST /greet {"name": name}` that called the upstream once.
 * @example greetingRecording('ada', { id: 'greet-ada' })
 */
export function greetingRecording(name: string, overrides: Partial<Recording> = {}): Recording {
  const request = Buffer.from(JSON.stringify({ name }))
  return {
    id: `greet-${name}`,
    recordedAt: '2026-11-24T08:00:00.000Z',
    meta: { service: 'greeter', environment: 'production', pipeline: 'faults' },
    inbound: {
      request: {
        method: 'POST',
        url: 'http://greeter.invalid/greet',
        headers: [['content-type', 'application/json']],
        body: bodyFromBytes(request),
      },
      response: { status: 200, headers: [], body: bodyFromBytes(Buffer.from('{}')) },
      startedAtMs: 0,
      durationMs: 5,
    },
    outbound: [
      jsonExchange('GET', `${UPSTREAM}/greeting?name=${encodeURIComponent(name)}`, { greeting: 'hello' }),
    ],
    nondeterminism: {
      clock: [Date.UTC(2026, 10, 24, 8, 0, 0)],
      random: [0.25],
      uuids: ['6f1c2a8e-0b7d-4e8a-9c1f-2d3e4f5a6b7c'],
    },
    ...overrides,
  }
}

/** A fresh temp folder holding `recordings` as one segment; returns the folder. */
export async function recordingsFolder(recordings: readonly Recording[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parallax-recordings-'))
  await writeSegment(join(dir, 'segment.ndjson'), recordings, { createdAt: '2026-11-24T08:00:00.000Z' })
  return dir
}

/** Writes a scenario file for the fault pipeline into `dir` and returns its path. */
export async function faultScenario(
  dir: string,
  variants: Record<string, Record<string, unknown>>,
  extra = '',
  recordings = '.',
): Promise<string> {
  const file = join(dir, 'faults.scenario.ts')
  const pipeline = new URL('../fixtures/fault-pipeline.ts', import.meta.url).href
  const defineUrl = new URL('../../src/scenario/index.ts', import.meta.url).href
  const entries = Object.entries(variants)
    .map(([name, variant]) => `    ${JSON.stringify(name)}: ${JSON.stringify(variant)},`)
    .join('\n')
  await writeFile(
    file,
    `import { defineScenario } from ${JSON.stringify(defineUrl)}
export const scenario = defineScenario({
  name: 'faults',
  pipeline: { module: new URL(${JSON.stringify(pipeline)}), export: 'faults' },
  recordings: ${JSON.stringify(recordings)},
  variants: {
${entries}
  },${extra}
})
`,
  )
  return file
}
