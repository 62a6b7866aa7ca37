import { describe, expect, it } from 'vitest'
import { productionConfig, withDataSource } from '../../examples/copilot/config.ts'
import { DATA_SOURCE_CHUNK_SIZE, startDataSource } from '../../examples/copilot/data-source.ts'
import { startCopilotService } from '../../examples/copilot/server.ts'
import { bodyText } from '../../src/recording/body.ts'
import { recorderFixture } from './loopback.ts'

describe('record: the copilot demo', () => {
  it('createRecorder: records a /suggest request with its streamed retrieval and its clock and UUID reads', async () => {
    const dataSource = await startDataSource()
    using fixture = recorderFixture({ service: 'copilot', environment: 'production', pipeline: 'copilot' })
    const service = await startCopilotService({
      config: withDataSource(productionConfig, dataSource.url),
      wrap: fixture.recorder.wrap,
    })
    try {
      const response = await fetch(`${service.url}/suggest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'How do I stream a response' }),
      })
      const answer = (await response.json()) as { requestId: string; generatedAt: string }
      const [recording] = await fixture.settle()

      expect(JSON.parse(bodyText(recording!.inbound.response.body))).toEqual(answer)
      expect(recording!.nondeterminism).toEqual({
        clock: [Date.parse(answer.generatedAt)],
        random: [],
        uuids: [answer.requestId],
      })
      expect(recording!.outbound).toHaveLength(1)
      const retrieval = recording!.outbound[0]!
      expect(retrieval.request.url).toMatch(new RegExp(`^${dataSource.url}/context\\?q=`))
      const sizes = retrieval.response.chunks!.map((chunk) => chunk.size)
      expect(sizes.slice(0, -1).every((size) => size === DATA_SOURCE_CHUNK_SIZE)).toBe(true)
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(retrieval.response.body!.size)
      expect(retrieval.startedAtMs).toBeLessThanOrEqual(recording!.inbound.durationMs)
      expect(fixture.errors).toEqual([])
    } finally {
      await service.close()
      await dataSource.close()
    }
  })
})
