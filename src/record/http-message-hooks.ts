/**
 * How the recorder sees the bytes and events of node:http messages: one hook per method on the
 * prototypes (`IncomingMessage` push and emit, `ServerResponse` write, end and emit, `ClientRequest`
 * write and end), each passing straight through unless the message carries an observer under
 * {@link OBSERVER}. Marking a message is one property store; wrapping five methods on every request
 * and response cost more than a microsecond per request, on the request path.
 *
 * The hooks wrap whatever method the prototype showed when they were installed (another tool's
 * wrapper included) and stay installed while a recorder that asked for them is open or an observed
 * message has not settled, so a request in flight when its recorder closes is still recorded whole.
 */
import type { EventEmitter } from 'node:events'
import { ClientRequest, IncomingMessage, ServerResponse } from 'node:http'
import { createPatchRegistry, type PatchRegistry } from './patch-registry.ts'
import { type AnyFunction, wrapInstanceMethod } from './wrap-instance-method.ts'

/**
 * The property of a message holding its observer: `null` marks a message seen and deliberately not observed.
 * @example (req as Observed)[OBSERVER] = capture
 */
export const OBSERVER = Symbol('parallax.http.observer')

/** A node:http message as the hooks see it. */
export type Observed = { [OBSERVER]?: HttpMessageObserver | null }

/**
 * What observes one message (or a request and its response together). `pushed`, `written` and
 * `emitting` must not throw; `emitted` runs the listeners (their throws are the app's and propagate)
 * and nothing else may throw.
 */
export interface HttpMessageObserver {
  /** Before the parser (or anyone) pushes `chunk` (null: the end) into an IncomingMessage. */
  pushed(message: IncomingMessage, chunk: unknown, encoding: unknown): void
  /** Before `write(chunk, encoding)` or, with `ending`, `end(chunk, encoding)` of an outgoing message. */
  written(message: object, chunk: unknown, encoding: unknown, ending: boolean): void
  /** Before `event` is emitted: true to have the emit run through `emitted`, false to let it pass. */
  emitting(message: EventEmitter, event: unknown): boolean
  /** Runs `emit` of the message with `args`, e.g. in the request's async context; returns its result. */
  emitted(message: EventEmitter, emit: AnyFunction, args: unknown[]): unknown
}

/** The methods observed on each kind of message. */
const METHODS = {
  /** An `IncomingMessage`: a server's request or a client's response. */
  incoming: ['push', 'emit'],
  /** A `ServerResponse`. */
  response: ['write', 'end', 'emit'],
  /** A `ClientRequest`. */
  request: ['write', 'end'],
} as const

/** A kind of node:http message the hooks observe. */
export type MessageKind = keyof typeof METHODS

type Method = (typeof METHODS)[MessageKind][number]

const PROTOTYPES: Record<MessageKind, object> = {
  incoming: IncomingMessage.prototype,
  response: ServerResponse.prototype,
  request: ClientRequest.prototype,
}

let users = 0
let observing = 0
let installed:
  | { patches: PatchRegistry; hooks: Record<MessageKind, Partial<Record<Method, unknown>>> }
  | undefined

/**
 * Keeps the hooks installed until `patches.restore()` (and until no observed message is in flight).
 * @example installHttpMessageHooks(patches)
 */
export function installHttpMessageHooks(patches: PatchRegistry): void {
  users++
  install()
  patches.defer(() => {
    users--
    uninstallWhenIdle()
  })
}

/**
 * Observes a server's request and response with `observer` (installing the hooks if no recorder holds
 * them); call {@link settleObserved} once when it is done, so the hooks can go once nothing needs them.
 * @example observeHttpMessages(capture, req, res)
 */
export function observeHttpMessages(observer: HttpMessageObserver, req: object, res: object): void {
  install()
  observing++
  attach(req, 'incoming', observer)
  attach(res, 'response', observer)
}

/**
 * Observes one message without holding the hooks: for messages observed only while the caller holds
 * them itself through {@link installHttpMessageHooks}.
 * @example markObserved(request, 'request', call)
 */
export function markObserved(message: object, kind: MessageKind, observer: HttpMessageObserver): void {
  if (installed !== undefined) attach(message, kind, observer)
}

/**
 * Ends one {@link observeHttpMessages}: the observer stays on the messages, but no longer holds the hooks.
 * @example settleObserved()
 */
export function settleObserved(): void {
  observing--
  uninstallWhenIdle()
}

function attach(message: object, kind: MessageKind, observer: HttpMessageObserver): void {
  const methods = METHODS[kind]
  const hooks = installed!.hooks[kind]
  const target = message as Record<string, unknown>
  let ours = true
  for (const key of methods) if (target[key] !== hooks[key]) ours = false
  if (ours) {
    ;(message as Observed)[OBSERVER] = observer
    return
  }
  // Not the prototype's methods (a request object made by a test harness, a method some tool wrapped
  // on this instance): wrap them on the instance, around whatever it shows. A hook it still reaches
  // passes, as the message carries no observer.
  for (const key of methods)
    wrapInstanceMethod(message, key, (original) => FACTORIES[key](original, observer))
}

function install(): void {
  if (installed !== undefined) return
  const patches = createPatchRegistry()
  const hooks: Record<MessageKind, Partial<Record<Method, unknown>>> = {
    incoming: {},
    response: {},
    request: {},
  }
  for (const kind of Object.keys(METHODS) as MessageKind[]) {
    const prototype = PROTOTYPES[kind] as Record<string, unknown>
    for (const key of METHODS[kind]) {
      const original = prototype[key]
      if (typeof original !== 'function') continue
      const hooked = FACTORIES[key](original as AnyFunction)
      // As the method it stands for: stack traces and `res.end.name` read as before.
      Object.defineProperty(hooked, 'name', { value: original.name, configurable: true })
      Object.defineProperty(hooked, 'length', { value: original.length, configurable: true })
      replaceOwn(patches, prototype, key, hooked)
      hooks[kind][key] = hooked
    }
  }
  installed = { patches, hooks }
}

/**
 * Sets `prototype[key]` to `hooked`, as enumerable as the method it shadows (`for…in` over a message
 * lists the same keys); undone only while the hook is still there: a tool that wrapped the method after
 * us keeps its wrapper (ours beneath it then only passes calls through).
 */
function replaceOwn(
  patches: PatchRegistry,
  prototype: Record<string, unknown>,
  key: string,
  hooked: unknown,
): void {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, key)
  let owner: object | null = prototype
  while (owner !== null && !Object.hasOwn(owner, key)) owner = Object.getPrototypeOf(owner)
  const shadowed = owner === null ? undefined : Object.getOwnPropertyDescriptor(owner, key)
  Object.defineProperty(prototype, key, {
    value: hooked,
    writable: true,
    configurable: true,
    enumerable: shadowed?.enumerable ?? false,
  })
  patches.defer(() => {
    if (Object.getOwnPropertyDescriptor(prototype, key)?.value !== hooked) return
    if (descriptor === undefined) delete prototype[key]
    else Object.defineProperty(prototype, key, descriptor)
  })
}

function uninstallWhenIdle(): void {
  if (users > 0 || observing > 0 || installed === undefined) return
  installed.patches.restore()
  installed = undefined
}

// Each hook observes the message's observer (or `fixed`, for a method wrapped on one instance), then
// calls the method with exactly the arguments it was given, as many as were given. The usual counts are
// spelled out: V8 then never builds an `arguments` object, which matters for `emit`, called for every
// event of every message.

function pushHook(push: AnyFunction, fixed?: HttpMessageObserver): AnyFunction {
  return function (this: IncomingMessage & Observed, chunk: unknown, encoding: unknown) {
    // biome-ignore lint/complexity/noArguments: see above
    const count = arguments.length
    const observer = fixed ?? this[OBSERVER]
    if (observer != null) observer.pushed(this, chunk, encoding)
    if (count === 1) return push.call(this, chunk)
    if (count === 2) return push.call(this, chunk, encoding)
    // biome-ignore lint/complexity/noArguments: see above
    return Reflect.apply(push, this, arguments)
  }
}

function emitHook(emit: AnyFunction, fixed?: HttpMessageObserver): AnyFunction {
  return function (this: EventEmitter & Observed, event: unknown, value: unknown) {
    // biome-ignore lint/complexity/noArguments: see above
    const count = arguments.length
    const observer = fixed ?? this[OBSERVER]
    if (observer == null || !observer.emitting(this, event)) {
      if (count === 1) return emit.call(this, event)
      if (count === 2) return emit.call(this, event, value)
      // biome-ignore lint/complexity/noArguments: see above
      return Reflect.apply(emit, this, arguments)
    }
    const args: unknown[] = []
    // biome-ignore lint/complexity/noArguments: see above
    for (let i = 0; i < count; i++) args.push(arguments[i])
    return observer.emitted(this, emit, args)
  }
}

function writeHook(write: AnyFunction, fixed?: HttpMessageObserver): AnyFunction {
  return function (this: Observed, chunk: unknown, encoding: unknown, callback: unknown) {
    // biome-ignore lint/complexity/noArguments: see above
    const count = arguments.length
    const observer = fixed ?? this[OBSERVER]
    if (observer != null) observer.written(this, chunk, encoding, false)
    if (count === 1) return write.call(this, chunk)
    if (count === 2) return write.call(this, chunk, encoding)
    if (count === 3) return write.call(this, chunk, encoding, callback)
    // biome-ignore lint/complexity/noArguments: see above
    return Reflect.apply(write, this, arguments)
  }
}

function endHook(end: AnyFunction, fixed?: HttpMessageObserver): AnyFunction {
  return function (this: Observed, chunk: unknown, encoding: unknown, callback: unknown) {
    // biome-ignore lint/complexity/noArguments: see above
    const count = arguments.length
    const observer = fixed ?? this[OBSERVER]
    if (observer != null) observer.written(this, chunk, encoding, true)
    if (count === 0) return end.call(this)
    if (count === 1) return end.call(this, chunk)
    if (count === 2) return end.call(this, chunk, encoding)
    if (count === 3) return end.call(this, chunk, encoding, callback)
    // biome-ignore lint/complexity/noArguments: see above
    return Reflect.apply(end, this, arguments)
  }
}

const FACTORIES: Record<Method, (original: AnyFunction, fixed?: HttpMessageObserver) => AnyFunction> = {
  push: pushHook,
  emit: emitHook,
  write: writeHook,
  end: endHook,
}
