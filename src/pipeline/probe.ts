/**
 * `probe(name, value)`: a checkpoint for code that is not written as stages.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

/** Receives probes while a traced stage runs; set by the tracer, absent in plain runs. */
export type ProbeSink = (name: string, value: unknown) => void

const sinks = new AsyncLocalStorage<ProbeSink>()

/**
 * Leaves a named checkpoint inside the current stage; a no-op outside a traced run, so it is safe in production code.
 * @example probe('tokens', tokens)
 */
export function probe(name: string, value: unknown): void {
  sinks.getStore()?.(name, value)
}

/** Runs `fn` with probes delivered to `sink` (used by the tracer, never by stage authors). */
export function withProbeSink<T>(sink: ProbeSink, fn: () => T): T {
  return sinks.run(sink, fn)
}
