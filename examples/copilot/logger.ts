/**
 * The copilot's logger: plain lines on stderr, filtered by the configured level and labelled with the
 * region and stage. Silent unless COPILOT_LOG=1, so tests and the demo's own output stay readable.
 */
import type { CopilotConfig, LogLevel } from './config.ts'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** Writes a message at one level. */
export type LogFn = (message: string) => void

/** A logger bound to one stage (or to the server). */
export type Logger = Record<LogLevel, LogFn>

/**
 * Creates a logger for `scope` that writes what `config.logLevel` lets through.
 * @example createLogger(config, 'decode').warn('3 replacement characters in 1838 bytes')
 */
export function createLogger(config: Pick<CopilotConfig, 'logLevel' | 'region'>, scope: string): Logger {
  const enabled = process.env['COPILOT_LOG'] === '1'
  const threshold = RANK[config.logLevel]
  const at =
    (level: LogLevel): LogFn =>
    (message) => {
      if (!enabled || RANK[level] < threshold) return
      process.stderr.write(`[copilot] ${level} region=${config.region} ${scope}: ${message}\n`)
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
