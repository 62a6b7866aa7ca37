/**
 * The network unwinds completely: framework work never reads the recording's clock or randomness,
 * two replays in a row each see their own recording, and it works inside a worker and a child process.
 */
import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import http from 'node:http'
import { promisify } from 'node:util'
import { Worker } from 'node:worker_threads'
import { request as undiciRequest } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { inFrameworkScope } from '../../../src/replay/framework-scope.ts'
import { exchange, recordingWith, type ServedNetwork, serve, UPSTREAM } from './network-fixtures.ts'

let served: ServedNetwork | undefined
afterEach(() => {
  served?.patches.restore()
  served = undefined
})

const LIBRARY = /[\\/]node_modules[\\/](msw|@mswjs|undici)[\\/]/
const nodeBin = new URL('../../../node_modules/.bin/node', import.meta.url).pathname
const script = new URL('./serve-in-isolate.ts', import.meta.url)

describe('serveFromRecording: isolation', () => {
  it('serveFromRecording: msw, interceptors and undici never read the clock or randomness outside framework scope', async () => {
    served = serve(
      recordingWith([
        exchange({ url: `${UPSTREAM}/a`, body: '"fetch"' }),
        exchange({ url: `${UPSTREAM}/a`, body: '"http"' }),
        exchange({ url: `${UPSTREAM}/a`, body: '"undici"' }),
      ]),
    )
    // A fake clock patch, installed after the network as the replay does: it counts library reads per scope.
    const reads = { outside: 0, inside: 0 }
    const count = <T extends (...args: never[]) => unknown>(real: T): T =>
      ((...args: never[]) => {
        if (LIBRARY.test(new Error().stack ?? '')) reads[inFrameworkScope() ? 'inside' : 'outside']++
        return real(...args)
      }) as T
    served.patches.replace(Date, 'now', count(Date.now.bind(Date)))
    served.patches.replace(Math, 'random', count(Math.random.bind(Math)))
    served.patches.replace(crypto, 'randomUUID', count(crypto.randomUUID.bind(crypto)))

    expect(await (await fetch(`${UPSTREAM}/a`)).json()).toBe('fetch')
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(`${UPSTREAM}/a`, (res) => {
          let text = ''
          res.on('data', (chunk) => {
            text += chunk
          })
          res.on('end', () => resolve(text))
        })
        .on('error', reject)
    })
    expect(body).toBe('"http"')
    expect(await (await undiciRequest(`${UPSTREAM}/a`)).body.json()).toBe('undici')
    expect(reads.inside).toBeGreaterThan(0)
    expect(reads.outside).toBe(0)
  })

  it('serveFromRecording: two replays in a row each answer from their own recording', async () => {
    for (const word of ['first', 'second']) {
      const answer = exchange({ url: `${UPSTREAM}/word`, body: JSON.stringify(word) })
      served = serve(recordingWith([answer, answer], word))
      expect(await (await fetch(`${UPSTREAM}/word`)).json()).toBe(word)
      const viaHttp = await new Promise<string>((resolve, reject) => {
        http
          .get(`${UPSTREAM}/word`, (res) => {
            let text = ''
            res.on('data', (chunk) => {
              text += chunk
            })
            res.on('end', () => resolve(text))
          })
          .on('error', reject)
      })
      expect(JSON.parse(viaHttp)).toBe(word)
      expect(served.calls.map((call) => call.matched)).toEqual([0, 1])
      served.patches.restore()
      served = undefined
    }
  })

  it('serveFromRecording: answers from the recording inside a worker thread', async () => {
    const worker = new Worker(script)
    const message = await new Promise((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    await worker.terminate()
    expect(message).toEqual({ body: 'from the recording', consumed: 1, calls: 1, restored: true })
  })

  it('serveFromRecording: answers from the recording inside a child process', async () => {
    const { stdout } = await promisify(execFile)(nodeBin, [script.pathname])
    expect(JSON.parse(stdout)).toEqual({ body: 'from the recording', consumed: 1, calls: 1, restored: true })
  })
})
