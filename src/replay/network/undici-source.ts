/**
 * The undici global dispatcher (used by the undici package's request/fetch and by Node's global fetch)
 * answered by a MockAgent fed from the recording. The dispatcher matches the request itself first,
 * so the MockAgent only ever replies to a matched call; the reply is re-chunked as production sent it
 * (rechunking-handler.ts).
 */

import { Dispatcher, getGlobalDispatcher, MockAgent, setGlobalDispatcher } from 'undici'
import type { PatchRegistry } from '../../record/patch-registry.ts'
import type { Exchange, HeaderList } from '../../recording/types.ts'
import { runInFrameworkScope } from '../framework-scope.ts'
import type { NetworkContext } from './network-context.ts'
import { defaultPort } from './normalize-request.ts'
import { rechunkingHandler } from './rechunking-handler.ts'
import { headerRecord, isNullBodyStatus, responseChunks, servedHeaders } from './recorded-response.ts'

/** undici's global dispatcher slots: `.2` for undici ≥ 8, `.1` for the undici bundled with Node (global fetch). */
const DISPATCHER_SLOTS = [Symbol.for('undici.globalDispatcher.2'), Symbol.for('undici.globalDispatcher.1')]
/** Carries the matched exchange from our dispatch to the MockAgent's reply callback. */
const kExchange = Symbol('parallax.exchange')

type Handler = Dispatcher.DispatchHandler
type DispatchOptions = Dispatcher.DispatchOptions & { [kExchange]?: Exchange }

/**
 * Installs the replay dispatcher as undici's global dispatcher, once per network installation: one MockAgent
 * whose one persistent interceptor answers every origin outside allowHosts with the exchange the dispatcher
 * matched, whichever recording is being served; `patches.restore()` puts the previous dispatcher back.
 * @example installReplayDispatcher(context, patches)
 */
export function installReplayDispatcher(context: NetworkContext, patches: PatchRegistry): void {
  const agent = new MockAgent()
  agent.disableNetConnect()
  agent.enableNetConnect((host: string) => {
    const [name = '', port] = splitHost(host)
    return context.isAllowed(name, port)
  })
  // MockAgent keeps one pool per origin that matches, sharing this interceptor: set up once, not per recording.
  agent
    .get((origin: string) => {
      const url = new URL(origin)
      return !context.isAllowed(url.hostname, url.port || defaultPort(url))
    })
    .intercept({ path: () => true, method: () => true })
    .reply((options) => mockReply((options as DispatchOptions)[kExchange]))
    .persist()
  const dispatcher = new ReplayDispatcher(agent, context)
  const global = globalThis as unknown as Record<symbol, unknown>
  // getGlobalDispatcher() first: undici installs its default Agent lazily, and we must restore a real one.
  getGlobalDispatcher()
  const previous = DISPATCHER_SLOTS.map((slot) => global[slot])
  setGlobalDispatcher(dispatcher)
  patches.defer(() => {
    // The slots are non-configurable (undici defines them so); they are writable, so assign back.
    DISPATCHER_SLOTS.forEach((slot, index) => {
      global[slot] = previous[index]
    })
    void agent.close()
  })
}

class ReplayDispatcher extends Dispatcher {
  readonly #agent: MockAgent
  readonly #context: NetworkContext

  constructor(agent: MockAgent, context: NetworkContext) {
    super()
    this.#agent = agent
    this.#context = context
  }

  override dispatch(options: DispatchOptions, handler: Handler): boolean {
    return runInFrameworkScope(() => {
      const url = new URL(options.path, String(options.origin))
      if (this.#context.isAllowed(url.hostname, url.port || defaultPort(url))) {
        return this.#agent.dispatch(options, handler)
      }
      readBody(options.body)
        .then((body) =>
          runInFrameworkScope(() => {
            const entry = this.#context.answer(options.method, url.href, headerList(options.headers), body)
            if (entry.kind !== 'matched') {
              handler.onResponseError?.(null as never, entry.error)
              return
            }
            const tagged: DispatchOptions = { ...options, body, [kExchange]: entry.exchange }
            this.#agent.dispatch(tagged, rechunkingHandler(handler, entry.exchange.response))
          }),
        )
        .catch((error: unknown) => handler.onResponseError?.(null as never, error as Error))
      return true
    })
  }

  override close(): Promise<void> {
    return this.#agent.close()
  }

  override destroy(): Promise<void> {
    return this.#agent.destroy()
  }
}

function mockReply(exchange: Exchange | undefined) {
  if (!exchange)
    throw new Error('[parallax] A replayed undici request reached the mock without its exchange.')
  const { response } = exchange
  // No body here: the rechunking handler drops what MockAgent delivers and sends the recorded chunks itself.
  return {
    statusCode: response.status,
    data: '',
    responseOptions: {
      headers: headerRecord(
        servedHeaders(response, isNullBodyStatus(response.status) ? [] : responseChunks(response)),
      ),
    },
  }
}

async function readBody(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0)
  if (typeof body === 'string') return Buffer.from(body)
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (body instanceof ArrayBuffer) return Buffer.from(body)
  if (typeof body === 'object' && Symbol.asyncIterator in body) {
    const parts: Buffer[] = []
    for await (const part of body as AsyncIterable<unknown>) parts.push(toBuffer(part))
    return Buffer.concat(parts)
  }
  if (typeof body === 'object' && Symbol.iterator in body) {
    return Buffer.concat([...(body as Iterable<unknown>)].map(toBuffer))
  }
  throw new TypeError(`[parallax] Cannot read an undici request body of type ${typeof body}.`)
}

function toBuffer(part: unknown): Buffer {
  if (typeof part === 'string') return Buffer.from(part)
  if (ArrayBuffer.isView(part)) return Buffer.from(part.buffer, part.byteOffset, part.byteLength)
  return Buffer.from(part as ArrayBuffer)
}

function headerList(headers: DispatchOptions['headers']): HeaderList {
  if (!headers) return []
  if (Array.isArray(headers)) {
    const list: HeaderList = []
    for (let i = 0; i + 1 < headers.length; i += 2) list.push([String(headers[i]), String(headers[i + 1])])
    return list
  }
  const entries =
    typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function'
      ? [...(headers as Iterable<[string, string | string[] | undefined]>)]
      : Object.entries(headers as Record<string, string | string[] | undefined>)
  return entries.flatMap(([name, value]) =>
    value === undefined
      ? []
      : (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, String(v)]),
  )
}

function splitHost(host: string): [string, string | undefined] {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host)
  return match ? [match[1] ?? host, match[2]] : [host, undefined]
}
