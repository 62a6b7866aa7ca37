/**
 * The app never notices the recorder: with each fault injected inside it (a serializer that throws, a
 * redactor that throws, a full disk, a permission error, a disk that never answers, a full queue), over
 * thousands of requests the app answers exactly as it does unrecorded (status, headers, body hash), no
 * exception escapes, and the books balance: every request is written or counted as dropped.
 */
import { createHash } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Pool } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeWriterFileSystem, type WriterFileSystem } from '../../src/record/sink/index.ts'
import {
  type RunningRecorder,
  type StartRecorderOptions,
  startRecorder,
} from '../../src/record/start-recorder.ts'
import type { Recording } from '../../src/recording/types.ts'
import { type Loopback, readAll, startLoopback } from './loopback.ts'

const REQUESTS = 2000

let dependency: Loopback
beforeAll(async () => {
  dependency = await startLoopback((req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ item: req.url, tags: ['a', 'b'] }))
  })
})
afterAll(() => dependency[Symbol.asyncDispose]())

/** The app: reads the body, calls the dependency, answers ~1 KB of JSON in two writes. */
async function app(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readAll(req)
  const upstream = await (await fetch(`${dependency.url}${req.url}`)).text()
  res.writeHead(req.url?.endsWith('7') ? 503 : 200, { 'content-type': 'application/json', 'x-app': 'yes' })
  res.write(`{"got":${JSON.stringify(body.toString())},"upstream":${upstream},`)
  res.end(`"pad":"${'x'.repeat(900)}"}`)
}

type Answer = string

/** What a client sees of each answer: status, headers without Date, SHA-256 of the body. */
async function drive(url: string): Promise<Answer[]> {
  const client = new Pool(url, { connections: 16 })
  try {
    return await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const answer = await client.request({ method: 'POST', path: `/items/${i}`, body: `payload-${i}` })
        const bytes = Buffer.from(await answer.body.arrayBuffer())
        const { date: _date, ...headers } = answer.headers
        return `${answer.statusCode} ${JSON.stringify(headers)} ${createHash('sha256').update(bytes).digest('hex')}`
      }),
    )
  } finally {
    await client.close()
  }
}

function failing(code: string): () => Promise<never> {
  return () => Promise.reject(Object.assign(new Error(`${code}: injected`), { code }))
}

/** A recording whose serialization throws (a getter that fails), as a broken serializer would. */
function unserializable(recording: Recording): Recording {
  const copy = { ...recording }
  Object.defineProperty(copy, 'meta', {
    enumerable: true,
    get() {
      throw new Error('serializer: injected')
    },
  })
  return copy
}

interface Fault {
  name: string
  options: Partial<StartRecorderOptions>
}

const slowDisk: WriterFileSystem = {
  ...nodeWriterFileSystem,
  append: (fd, data) =>
    new Promise((resolve) => setTimeout(resolve, 40)).then(() => nodeWriterFileSystem.append(fd, data)),
}
let redactions = 0

const FAULTS: Fault[] = [
  { name: 'no fault', options: {} },
  { name: 'the serializer throws', options: { redact: unserializable } },
  {
    name: 'the redactor throws (every other recording)',
    options: {
      redact: (recording) => {
        if (redactions++ % 2 === 0) throw new Error('redactor: injected')
        return recording
      },
    },
  },
  {
    name: 'the disk is full (ENOSPC)',
    options: { fileSystem: { ...nodeWriterFileSystem, append: failing('ENOSPC') } },
  },
  {
    name: 'permission denied (EACCES)',
    options: {
      fileSystem: { ...nodeWriterFileSystem, openAppend: failing('EACCES'), mkdir: failing('EACCES') },
    },
  },
  {
    name: 'the disk never answers',
    options: { fileSystem: { ...nodeWriterFileSystem, append: () => new Promise(() => {}) }, stallMs: 200 },
  },
  {
    name: 'the queue is full (64 KiB cap, slow disk)',
    options: { fileSystem: slowDisk, maxPendingBytes: 64 * 1024 },
  },
]

describe('record: faults inside the recorder never reach the app', () => {
  let baseline: Answer[]
  beforeAll(async () => {
    await using plain = await startLoopback(app)
    baseline = await drive(plain.url)
  }, 60_000)

  for (const fault of FAULTS) {
    it(`startRecorder: ${fault.name}: ${REQUESTS} answers identical to unrecorded, books balance`, async () => {
      const out = await mkdtemp(join(tmpdir(), 'parallax-faults-'))
      const errors: unknown[] = []
      let running: RunningRecorder | undefined = startRecorder({
        out,
        service: 'faults',
        environment: 'test',
        captureServers: false,
        handleSignals: false,
        closeTimeoutMs: 1000,
        onError: (error) => errors.push(error),
        ...fault.options,
      })
      try {
        await using recorded = await startLoopback(running.wrap(app))
        expect(await drive(recorded.url)).toEqual(baseline)
        await expect.poll(() => running?.stats().recorder.inFlight).toBe(0)
        await running.stop()
        const { recorder, writer } = running.stats()
        const recorderDropped = Object.values(recorder.dropped).reduce((sum, n) => sum + n, 0)
        const writerDropped = Object.values(writer.dropped).reduce((sum, n) => sum + n, 0)
        expect(recorder.requests).toBe(REQUESTS)
        expect(recorder.recorded + recorder.truncated + recorderDropped).toBe(REQUESTS)
        expect(writer.enqueued).toBe(recorder.recorded + recorder.truncated + recorder.dropped.sinkFull)
        expect(writer.pending).toBe(0)
        expect(writer.enqueued).toBe(writer.written + writerDropped)
        // Served = written + dropped, wherever it was dropped.
        expect(writer.written + writerDropped + recorderDropped - recorder.dropped.sinkFull).toBe(REQUESTS)
        if (fault.name === 'no fault') expect(writer.written).toBe(REQUESTS)
        else expect(writer.written).toBeLessThan(REQUESTS)
      } finally {
        await running?.stop()
        running = undefined
      }
    }, 60_000)
  }
})
