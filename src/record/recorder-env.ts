/**
 * The recorder's settings as environment variables, for `--import parallax/register`:
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `PARALLAX_OUT` | folder of the segments (required) | — |
 * | `PARALLAX_SERVICE` | service name in each recording | `name` in ./package.json, else `service` |
 * | `PARALLAX_ENVIRONMENT` | environment name | `NODE_ENV`, else `production` |
 * | `PARALLAX_VERSION` | service version | — |
 * | `PARALLAX_SAMPLE` | fraction recorded, 0 to 1 | 1 |
 * | `PARALLAX_INCLUDE`, `PARALLAX_EXCLUDE` | comma-separated route globs (`/api/**,POST /v1/x`) | — |
 * | `PARALLAX_RECORD_ERRORS` | keep unsampled 5xx responses (`true`/`false`) | true |
 * | `PARALLAX_MAX_BODY_BYTES` | bytes kept per body | 1048576 |
 * | `PARALLAX_REDACTION_KEY` | HMAC key of redaction placeholders | a public default |
 * | `PARALLAX_GZIP` | gzip segments (`true`/`false`) | false |
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ParallaxError } from '../recording/errors.ts'
import type { StartRecorderOptions } from './start-recorder.ts'

/**
 * Reads and validates the settings; throws PARALLAX_USAGE naming the variable at fault.
 * @example recorderOptionsFromEnv({ PARALLAX_OUT: 'recordings/api', PARALLAX_SAMPLE: '0.05' })
 */
export function recorderOptionsFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): StartRecorderOptions {
  const out = env.PARALLAX_OUT?.trim()
  if (!out) {
    throw usage(
      'PARALLAX_OUT is not set.',
      'Set PARALLAX_OUT to the folder recordings go to, e.g. PARALLAX_OUT=recordings/api.',
    )
  }
  const options: StartRecorderOptions = {
    out,
    service: env.PARALLAX_SERVICE?.trim() || packageName(cwd) || 'service',
    environment: env.PARALLAX_ENVIRONMENT?.trim() || env.NODE_ENV?.trim() || 'production',
  }
  if (env.PARALLAX_VERSION) options.version = env.PARALLAX_VERSION
  if (env.PARALLAX_SAMPLE !== undefined) {
    options.sample = decimal(env, 'PARALLAX_SAMPLE', {
      what: 'a fraction from 0 to 1',
      example: '0.05',
      max: 1,
    })
  }
  if (env.PARALLAX_INCLUDE) options.include = list(env.PARALLAX_INCLUDE)
  if (env.PARALLAX_EXCLUDE) options.exclude = list(env.PARALLAX_EXCLUDE)
  if (env.PARALLAX_RECORD_ERRORS !== undefined) options.recordErrors = flag(env, 'PARALLAX_RECORD_ERRORS')
  if (env.PARALLAX_MAX_BODY_BYTES !== undefined) {
    options.maxBodyBytes = decimal(env, 'PARALLAX_MAX_BODY_BYTES', {
      what: 'a whole number of bytes',
      example: '1048576',
      integer: true,
    })
  }
  if (env.PARALLAX_REDACTION_KEY) options.redactionKey = env.PARALLAX_REDACTION_KEY
  if (env.PARALLAX_GZIP !== undefined) options.gzip = flag(env, 'PARALLAX_GZIP')
  return options
}

function usage(message: string, hint: string): ParallaxError {
  return new ParallaxError('PARALLAX_USAGE', `Failed to start recording: ${message}`, { hint })
}

/** Plain decimal notation only: `Number()` would also take `0x1`, `1e3`, `0b1` or `Infinity`. */
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/

interface DecimalRule {
  /** What the variable holds, e.g. `a fraction from 0 to 1`. */
  what: string
  /** A good value, shown as `NAME=value` in the hint. */
  example: string
  max?: number
  integer?: boolean
}

/** A non-negative number in decimal notation; the hint shows the variable set as a shell would. */
function decimal(env: NodeJS.ProcessEnv, name: string, rule: DecimalRule): number {
  const raw = env[name]?.trim() ?? ''
  const value = Number(raw)
  const { max = Number.MAX_SAFE_INTEGER, integer = false } = rule
  if (!DECIMAL.test(raw) || !(value <= max) || (integer && !Number.isInteger(value))) {
    throw usage(
      `${name} is ${JSON.stringify(env[name])}, not ${DECIMAL.test(raw) ? rule.what : 'a decimal number'}.`,
      `Set ${name} to ${rule.what}, e.g. ${name}=${rule.example}.`,
    )
  }
  return value
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase()
  if (raw === 'true' || raw === '1') return true
  if (raw === 'false' || raw === '0') return false
  throw usage(`${name} is ${JSON.stringify(env[name])}.`, `Set ${name} to true or false.`)
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

function packageName(cwd: string): string | undefined {
  try {
    const name: unknown = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')).name
    return typeof name === 'string' && name !== '' ? name.replace(/^@[^/]+\//, '') : undefined
  } catch {
    return undefined
  }
}
