/**
 * The copilot HTTP service: `POST /suggest` runs the copilot pipeline on the request, the same way in
 * every environment; only the configuration differs.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pipelineRequest, runPipeline } from '../../src/pipeline/index.ts'
import type { HeaderList } from '../../src/recording/types.ts'
import { type CopilotConfig, readCopilotConfig } from './config.ts'
import { loadDecoder } from './decoder.ts'
import { createLogger } from './logger.ts'
import { copilot } from './pipeline.ts'
import { isCopilotRequestError } from './request-error.ts'

const MAX_BODY_BYTES = 64 * 1024

/** A node:http request handler, as a recorder wraps it. */
export type CopilotHandler = (req: IncomingMessage, res: ServerResponse) => void

/** Options of {@link startCopilotService}. */
export interface CopilotServiceOptions {
  config: CopilotConfig
  /** 0 (the default) picks a free port. */
  port?: number
  /** Wraps the request handler, e.g. with a recorder that captures each exchange. */
  wrap?: (handler: CopilotHandler) => CopilotHandler
}

/** A running copilot service. */
export interface CopilotService {
  /** Base URL, e.g. `http://127.0.0.1:51235`. */
  readonly url: string
  /** Stops listening and drops open connections. */
  close(): Promise<void>
}

/**
 * Starts the copilot service on 127.0.0.1: `POST /suggest`, `GET /healthz`, `GET /metrics`.
 * @example
 * const service = await startCopilotService({ config: withDataSource(productionConfig, dataSource.url) })
 * await fetch(`${service.url}/suggest`, { method: 'POST', body: JSON.stringify({ text: 'How do I' }) })
 */
export async function startCopilotService(options: CopilotServiceOptions): Promise<CopilotService> {
  const config = readCopilotConfig(options.config)
  const log = createLogger(config, 'server')
  // Compile the WebAssembly decoder before the first request, not during it.
  const { compileMs } = await loadDecoder()
  log.debug(`decoder ready (compiled in ${compileMs.toFixed(1)} ms)`)
  const counts = new Map<string, number>()
  const count = (route: string, status: number) => {
    const key = `route="${route}",status="${status}"`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }

  const handler: CopilotHandler = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://copilot.invalid').pathname
    if (path === '/healthz' && req.method === 'GET') {
      sendJson(res, 200, { ok: true })
      return
    }
    if (path === '/metrics' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      res.end(
        [...counts]
          .map(([labels, value]) => `copilot_requests_total{region="${config.region}",${labels}} ${value}\n`)
          .join(''),
      )
      return
    }
    if (path !== '/suggest') {
      sendJson(res, 404, { error: `No route ${path}.` })
      return
    }
    if (req.method !== 'POST') {
      count('/suggest', 405)
      sendJson(res, 405, { error: 'Use POST /suggest.' })
      return
    }
    suggest(req, res, config).then(
      (status) => count('/suggest', status),
      (error: unknown) => {
        log.error(`unexpected failure: ${String(error)}`)
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal error.' })
        else res.destroy()
      },
    )
  }

  const server = createServer(options.wrap ? options.wrap(handler) : handler)
  server.listen(options.port ?? 0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      const closed = once(server, 'close')
      server.close()
      server.closeAllConnections()
      await closed
    },
  }
}

/** Serves one `POST /suggest` and returns the status it answered. */
async function suggest(req: IncomingMessage, res: ServerResponse, config: CopilotConfig): Promise<number> {
  const log = createLogger(config, 'server')
  const body = await readBody(req)
  if (body === undefined) {
    sendJson(res, 413, { error: `Failed to read the request: the body exceeds ${MAX_BODY_BYTES} bytes.` })
    return 413
  }
  const headers: HeaderList = []
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!])
  const input = pipelineRequest(req.method ?? 'POST', req.url ?? '/suggest', headers, body)
  try {
    const output = await runPipeline(copilot, input, { config })
    sendJson(res, 200, output)
    return 200
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (isCopilotRequestError(error)) {
      log.info(message)
      sendJson(res, 400, { error: message })
      return 400
    }
    log.error(message)
    sendJson(res, 500, { error: message })
    return 500
  }
}

/** The whole body, or undefined when it is larger than allowed (the rest is drained, so a 413 can be sent). */
function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(value))
}
