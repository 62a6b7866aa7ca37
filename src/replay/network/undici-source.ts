/**
 * The undici global dispatcher (used by the undici package's request/fetch and by Node's global fetch)
 * answered by a MockAgent fed from the recording. The dispatcher matches the request itself first,
 * so the MockAgent only ever replies to a matched call, and re-chunks the reply as production sent it.
 */
import { Dispatcher, getGlobalDispatcher, MockAgent, setGlobalDispatcher } from 'undici'
import type { Exchange, HeaderList, RecordedResponse, Recording } from '../../recording/types.ts'
import { runInFrameworkScope } from '../framework-scope.ts'
import type { PatchRegistry } from '../patches.ts'
import type { NetworkContext } from './network-context.ts'
import {
  headerRecord,
  incompleteStreamError,
  isNullBodyStatus,
  responseChunks,
  statusText,
} from './recorded-response.ts'

/** undici's global dispatcher slots: `.2` for undici ≥ 8, `.1` for the undici bundled with Node (global fetch). */
const DISPATCHER_SLOTS = [Symbol.for('undici.globalDispatcher.2'), Symbol.for('undici.globalDispatcher.1')]
/** Carries the matched exchange from our dispatch to the MockAgent's reply callback. */
const kExchange = Symbol('parallax.exchange')

type Handler = Dispatcher.DispatchHandler
type DispatchOptions = Dispatcher.DispatchOptions & { [kExchange]?: Exchange }

/**
 * Installs the replay dispatcher as undici's global dispatcher; `patches.restore()` puts the previous one back.
 * @example installReplayDispatcher(recording, context, patches)
 */
export function installReplayDispatcher(
  recording: Recording,
  context: NetworkContext,
  patches: PatchRegistry,
): void {
  const agent = new MockAgent()
  agent.disableNetConnect()
  agent.enableNetConnect((host: string) => {
    const [name = '', port] = splitHost(host)
    return context.isAllowed(name, port)
  })
  const origins = new Set(recording.outbound.map((exchange) => new URL(exchange.request.url).origin))
  for (const origin of origins) {
    const url = new URL(origin)
    if (context.isAllowed(url.hostname, url.port || defaultPort(url))) continue
    agent
      .get(origin)
      .intercept({ path: () => true, method: () => true })
      .reply((options) => mockReply((options as DispatchOptions)[kExchange]))
      .persist()
  }
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
  const data = isNullBodyStatus(response.status) ? '' : Buffer.concat(responseChunks(response))
  return { statusCode: response.status, data, responseOptions: { headers: headerRecord(response.headers) } }
}

/**
 * Wraps the client's handler so the one body buffer MockAgent delivers arrives in the recorded chunks,
 * one chunk per event-loop turn: undici's body stream coalesces chunks pushed in the same turn.
 */
function rechunkingHandler(inner: Handler, response: RecordedResponse): Handler {
  const wrapped: Handler = {
    onRequestStart: (controller, context) => inner.onRequestStart?.(controller, context),
    onRequestUpgrade: (controller, status, headers, socket) =>
      inner.onRequestUpgrade?.(controller, status, headers, socket),
    onResponseStart: (controller, status, headers) =>
      inner.onResponseStart?.(controller, status, headers, statusText(response)),
    // The recorded chunks are delivered from onResponseEnd, which MockAgent calls right after this.
    onResponseData: () => {},
    onResponseEnd: (controller, trailers) => {
      void deliverChunks(inner, controller, response, trailers)
    },
    onResponseError: (controller, error) => inner.onResponseError?.(controller, error),
  }
  // MockAgent drives body hooks only when the handler has them; keep that shape.
  const legacy = inner as Handler & { onBodySent?: (chunk: unknown) => void; onRequestSent?: () => void }
  const hooks = wrapped as typeof legacy
  if (legacy.onBodySent) hooks.onBodySent = (chunk) => legacy.onBodySent?.(chunk)
  if (legacy.onRequestSent) hooks.onRequestSent = () => legacy.onRequestSent?.()
  return wrapped
}

type Controller = Parameters<NonNullable<Handler['onResponseEnd']>>[0]

async function deliverChunks(
  inner: Handler,
  controller: Controller,
  response: RecordedResponse,
  trailers: Parameters<NonNullable<Handler['onResponseEnd']>>[1],
): Promise<void> {
  try {
    for (const chunk of isNullBodyStatus(response.status) ? [] : responseChunks(response)) {
      await nextTurn()
      if (controller.aborted) return
      inner.onResponseData?.(controller, chunk)
    }
    await nextTurn()
    if (controller.aborted) return
    if (response.incomplete === undefined) inner.onResponseEnd?.(controller, trailers)
    else inner.onResponseError?.(controller, incompleteStreamError(response.incomplete))
  } catch (error) {
    inner.onResponseError?.(controller, error as Error)
  }
}

/** One event-loop turn: an ordering step, not a delay (no clock involved). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
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

function defaultPort(url: URL): string {
  return url.protocol === 'https:' ? '443' : '80'
}
