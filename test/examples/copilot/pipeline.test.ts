import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CopilotConfig,
  localConfig,
  productionConfig,
  withDataSource,
} from '../../../examples/copilot/config.ts'
import { type DataSource, startDataSource } from '../../../examples/copilot/data-source.ts'
import { copilot } from '../../../examples/copilot/pipeline.ts'
import { demoRequests } from '../../../examples/copilot/requests.ts'
import { pipelineRequest, type StageContext } from '../../../src/pipeline/index.ts'

const contextFor = (stage: string, config: CopilotConfig): StageContext => ({
  stage,
  config,
  signal: new AbortController().signal,
})

/** Runs the copilot stages one by one and returns every stage's output, by stage name. */
async function runStages(input: unknown, config: CopilotConfig): Promise<Map<string, unknown>> {
  const outputs = new Map<string, unknown>()
  let value = input
  for (const s of copilot.stages) {
    value = await s.run(value, contextFor(s.name, config))
    outputs.set(s.name, value)
  }
  return outputs
}

const requestFor = (body: unknown) =>
  pipelineRequest(
    'POST',
    '/suggest',
    [['content-type', 'application/json']],
    new TextEncoder().encode(JSON.stringify(body)),
  )

describe('copilot pipeline', () => {
  let dataSource: DataSource
  let local: CopilotConfig
  let production: CopilotConfig
  beforeAll(async () => {
    dataSource = await startDataSource()
    local = withDataSource(localConfig, dataSource.url)
    production = withDataSource(productionConfig, dataSource.url)
  })
  afterAll(async () => {
    await dataSource.close()
  })

  it('copilot pipeline: has the five stages in order', () => {
    expect(copilot.name).toBe('copilot')
    expect(copilot.stages.map((s) => s.name)).toEqual(['parse', 'retrieve', 'decode', 'infer', 'render'])
  })

  it.for(demoRequests)('copilot pipeline: $name diverges first at decode, if at all', async ({ body }) => {
    const request = requestFor(body)
    const fromLocal = await runStages(request, local)
    const parse = fromLocal.get('parse')
    // Feed production the same retrieve output, as replay does from a recording.
    const retrieved = fromLocal.get('retrieve')
    const stages = copilot.stages
    const productionParse = await stages[0]!.run(request, contextFor('parse', production))
    expect(productionParse).toEqual(parse)
    const productionRetrieve = (await stages[1]!.run(
      productionParse,
      contextFor('retrieve', production),
    )) as {
      chunks: Uint8Array[]
    }
    expect(Buffer.concat(productionRetrieve.chunks)).toEqual(
      Buffer.concat((retrieved as { chunks: Uint8Array[] }).chunks),
    )
    const decodedLocal = fromLocal.get('decode')
    const decodedProduction = await stages[2]!.run(retrieved, contextFor('decode', production))
    const bytes = Buffer.concat((retrieved as { chunks: Uint8Array[] }).chunks)
    const crossesFlush = Array.from(
      { length: Math.floor((bytes.byteLength - 1) / 64) },
      (_, i) => (i + 1) * 64,
    ).some((offset) => ((bytes[offset] ?? 0) & 0xc0) === 0x80)
    expect(crossesFlush).toBe(!/^[\x00-\x7F]*$/.test(body.text))
    if (crossesFlush) expect(decodedProduction).not.toEqual(decodedLocal)
    else expect(decodedProduction).toEqual(decodedLocal)
  })

  it('copilot pipeline: only decoder.bufferSize changes the answer among the production settings', async () => {
    const body = demoRequests.find((request) => request.name === 'ja-stream')!.body
    const fromLocal = await runStages(requestFor(body), local)
    const productionButBuffer = { ...production, decoder: local.decoder }
    const mixed = await runStages(requestFor(body), productionButBuffer)
    for (const name of ['parse', 'decode', 'infer'])
      expect(mixed.get(name), name).toEqual(fromLocal.get(name))
    const onlyBuffer = { ...local, decoder: production.decoder }
    const corrupted = await runStages(requestFor(body), onlyBuffer)
    expect(corrupted.get('infer')).not.toEqual(fromLocal.get('infer'))
  })

  it('copilot pipeline: the decode stage leaves a text probe and keeps JSON valid under corruption', async () => {
    const { withProbeSink } = await import('../../../src/pipeline/probe.ts')
    const body = demoRequests.find((request) => request.name === 'ja-stream')!.body
    const retrieved = (await runStages(requestFor(body), local)).get('retrieve')
    const probes: Array<[string, unknown]> = []
    const decoded = (await withProbeSink(
      (name, value) => probes.push([name, value]),
      () => copilot.stages[2]!.run(retrieved, contextFor('decode', production)),
    )) as { documents: Array<{ text: string }> }
    expect(probes.map(([name]) => name)).toEqual(['text'])
    expect(probes[0]![1]).toContain('\uFFFD')
    expect(decoded.documents.length).toBeGreaterThan(0)
  })
})
