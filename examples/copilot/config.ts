/**
 * The copilot service's configuration, and the two real-life variants the demo compares.
 * Only `decoder.bufferSize` changes what the service answers; every other setting is read and used,
 * but for logging, memory or deadlines only, which is what makes configuration bisection worth having.
 */
import { z } from 'zod'

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const

/** A log level, from the most to the least verbose. */
export type LogLevel = (typeof LOG_LEVELS)[number]

const copilotConfigSchema = z.object({
  logLevel: z.enum(LOG_LEVELS),
  region: z.string().min(1),
  cache: z.object({ maxEntries: z.number().int().positive() }),
  timeouts: z.object({ retrieveMs: z.number().int().positive() }),
  features: z.object({ rerank: z.boolean() }),
  decoder: z.object({ bufferSize: z.number().int() }),
  dataSource: z.object({ url: z.url({ protocol: /^https?$/ }) }),
})

/** Everything the copilot pipeline reads from `ctx.config`. */
export type CopilotConfig = {
  /** Lowest level the logger writes (when COPILOT_LOG=1). */
  logLevel: LogLevel
  /** Where the service runs: a label on log lines and metrics, never part of a request or an answer. */
  region: string
  /** Size of the in-process tokenization cache. */
  cache: { maxEntries: number }
  /** Deadline of the call to the data source. */
  timeouts: { retrieveMs: number }
  /** Sorts suggestions by their own score instead of their document's rank. */
  features: { rerank: boolean }
  /** Input buffer size of the WebAssembly UTF-8 decoder, in bytes. */
  decoder: { bufferSize: number }
  /** Base URL of the retrieval backend (see data-source.ts). */
  dataSource: { url: string }
}

/** Where the data source listens unless a run fills in another URL with {@link withDataSource}. */
const DEFAULT_DATA_SOURCE_URL = 'http://127.0.0.1:4010'

/**
 * The configuration a developer runs on a laptop.
 * @example await startCopilotService({ config: withDataSource(localConfig, dataSource.url) })
 */
export const localConfig: CopilotConfig = {
  logLevel: 'debug',
  region: 'local',
  cache: { maxEntries: 100 },
  timeouts: { retrieveMs: 5000 },
  features: { rerank: true },
  decoder: { bufferSize: 65536 },
  dataSource: { url: DEFAULT_DATA_SOURCE_URL },
}

/**
 * The configuration production runs with: quieter, bigger cache, tighter deadline, and a small decoder buffer.
 * @example await startCopilotService({ config: withDataSource(productionConfig, dataSource.url) })
 */
export const productionConfig: CopilotConfig = {
  logLevel: 'warn',
  region: 'eu-west-1',
  cache: { maxEntries: 5000 },
  timeouts: { retrieveMs: 800 },
  features: { rerank: true },
  decoder: { bufferSize: 64 },
  dataSource: { url: DEFAULT_DATA_SOURCE_URL },
}

/**
 * Returns a copy of `config` that calls the data source at `url` (known only once the data source listens).
 * @example const config = withDataSource(productionConfig, 'http://127.0.0.1:51234')
 */
export function withDataSource(config: CopilotConfig, url: string): CopilotConfig {
  return { ...config, dataSource: { url } }
}

/**
 * Checks that a stage's `ctx.config` is a complete copilot configuration and returns it typed.
 * @example const config = readCopilotConfig(ctx.config)
 */
export function readCopilotConfig(config: Readonly<Record<string, unknown>>): CopilotConfig {
  const result = copilotConfigSchema.safeParse(config)
  if (!result.success) {
    const issue = result.error.issues[0]
    const where = issue === undefined ? 'config' : issue.path.join('.') || 'config'
    throw new Error(`Failed to read the copilot configuration: ${where}: ${issue?.message ?? 'invalid'}.`)
  }
  return result.data
}
