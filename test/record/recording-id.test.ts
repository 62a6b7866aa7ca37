import { describe, expect, it } from 'vitest'
import { recorderFixture, sendJson, startLoopback } from './loopback.ts'

describe('record: recording ids', () => {
  it('createRecorder: a safe x-request-id becomes the recording id; unsafe or repeated ones get a generated id', async () => {
    using fixture = recorderFixture({ service: 'shop' })
    await using app = await startLoopback(
      fixture.recorder.wrap((_req, res) => sendJson(res, 200, { ok: true })),
    )
    const send = (id: string | undefined) =>
      fetch(app.url, { headers: id === undefined ? {} : { 'x-request-id': id } }).then((r) => r.arrayBuffer())
    for (const id of ['checkout-42', 'checkout-42', '../../etc/passwd', undefined]) await send(id)
    const ids = (await fixture.settle(4)).map((recording) => recording.id)
    expect(ids[0]).toBe('checkout-42')
    for (const generated of ids.slice(1)) expect(generated).toMatch(/^shop-[0-9a-z]+-[0-9a-z]{10}$/)
    expect(new Set(ids).size).toBe(4)
  })
})
