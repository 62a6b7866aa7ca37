/**
 * The main module of a variant's isolate. The same file runs as a worker thread (messages on
 * `parentPort`) or as a child process (messages over IPC). It loads the pipeline once, installs the replay
 * patches once, then replays recordings one at a time as the runner sends them, and unwinds the patches
 * when told to close.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { serializeError } from '../../recording/errors.ts'
import type { Recording } from '../../recording/types.ts'
import { loadPipeline } from './load-pipeline.ts'
import { type FromIsolate, type IsolateInit, STAGE_PROGRESS, type ToIsolate } from './protocol.ts'
import { installReplayRuntime } from './replay-in-isolate.ts'

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
  // After the pipeline module loaded (its start-up never runs under the patches), before the first recording.
  const runtime = installReplayRuntime(init.allowHosts ? { allowHosts: init.allowHosts } : {})
  transport.send({
    type: 'ready',
    pipeline: {
      name: pipeline.name,
      stages: pipeline.stages.map((s) => ({ name: s.name, timeoutMs: s.timeoutMs })),
    },
  })

  const progress = init.progress ? new Int32Array(init.progress) : undefined
  const stageNotifier = (id: number): ((name: string, index: number) => void) => {
    if (!progress) return (name, index) => transport.send({ type: 'stage', id, name, index })
    // Stage before replay: a runner that reads this replay's id then also reads this replay's stage.
    Atomics.store(progress, STAGE_PROGRESS.stage, 0)
    Atomics.store(progress, STAGE_PROGRESS.replay, id)
    return (_name, index) => Atomics.store(progress, STAGE_PROGRESS.stage, index + 1)
  }

  // Replays run strictly one after another: patches are process-global.
  let queue = Promise.resolve()
  transport.onMessage((message) => {
    if (message.type === 'close') {
      queue = queue.then(() => {
        try {
          runtime.close()
        } finally {
          transport.close()
        }
      })
      return
    }
    const { id, recordingJson, variant, seed, only, matching } = message
    queue = queue.then(async () => {
      const recording = JSON.parse(recordingJson) as Recording
      const trace = await runtime.replay(
        pipeline,
        { recording, variant, seed, ...(only && { only }), ...(matching && { matching }) },
        { onStageStart: stageNotifier(id) },
      )
      transport.send({ type: 'trace', id, trace })
    })
    // A replay that throws is reported as it happens; the runner then fails it and requeues the rest.
    queue = queue.catch(fatal)
  })
}

main().catch((error: unknown) => {
  const message: FromIsolate = { type: 'fatal', error: serializeError(error) }
  if (parentPort) parentPort.postMessage(message)
  else process.send?.(message, () => process.exit(1))
})
