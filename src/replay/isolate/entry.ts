/**
 * The main module of a variant's isolate. The same file runs as a worker thread (messages on
 * `parentPort`) or as a child process (messages over IPC). It loads the pipeline once, then replays
 * recordings one at a time as the runner sends them.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { serializeError } from '../../recording/errors.ts'
import { loadPipeline } from './load-pipeline.ts'
import type { FromIsolate, IsolateInit, ToIsolate } from './protocol.ts'
import { replayInIsolate } from './replay-in-isolate.ts'

interface Transport {
  send(message: FromIsolate): void
  onMessage(listener: (message: ToIsolate) => void): void
  close(): void
}

function workerTransport(): Transport | undefined {
  const port = parentPort
  if (!port) return undefined
  return {
    send: (message) => port.postMessage(message),
    onMessage: (listener) => port.on('message', listener),
    close: () => port.close(),
  }
}

function processTransport(): Transport | undefined {
  if (typeof process.send !== 'function') return undefined
  return {
    send: (message) => process.send?.(message),
    onMessage: (listener) => process.on('message', (message) => listener(message as ToIsolate)),
    close: () => process.disconnect(),
  }
}

async function main(): Promise<void> {
  const transport = workerTransport() ?? processTransport()
  if (!transport) throw new Error('The parallax isolate entry must run as a worker thread or forked child.')
  const init = (
    parentPort ? workerData : JSON.parse(process.env.PARALLAX_ISOLATE_INIT ?? 'null')
  ) as IsolateInit
  const fatal = (error: unknown) => {
    transport.send({ type: 'fatal', error: serializeError(error) })
  }
  process.on('uncaughtException', fatal)
  process.on('unhandledRejection', fatal)

  const pipeline = await loadPipeline(init.pipeline)
  transport.send({
    type: 'ready',
    pipeline: {
      name: pipeline.name,
      stages: pipeline.stages.map((s) => ({ name: s.name, timeoutMs: s.timeoutMs })),
    },
  })

  // Replays run strictly one after another: patches are process-global.
  let queue = Promise.resolve()
  transport.onMessage((message) => {
    if (message.type === 'close') {
      queue = queue.then(() => transport.close())
      return
    }
    const { id, type: _type, ...request } = message
    queue = queue.then(async () => {
      const trace = await replayInIsolate(pipeline, request, {
        onStageStart: (name, index) => transport.send({ type: 'stage', id, name, index }),
      })
      transport.send({ type: 'trace', id, trace })
    }, fatal)
  })
}

main().catch((error: unknown) => {
  const message: FromIsolate = { type: 'fatal', error: serializeError(error) }
  if (parentPort) parentPort.postMessage(message)
  else process.send?.(message, () => process.exit(1))
})
