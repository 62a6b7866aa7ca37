/**
 * Which inbound requests get recorded: route filters first (an excluded route is never captured), then
 * a sampling rate. Requests left out by sampling can still be kept when they end in a server error.
 */
import { ParallaxError } from '../recording/errors.ts'
import { realSources } from './real-sources.ts'

/**
 * A route rule: a glob over `METHOD /path` or `/path` (`*` within one path segment, `**` across
 * segments; the query string is ignored), or a RegExp tested against `METHOD /path?query`.
 * @example const rules: RouteRule[] = ['/api/**', 'POST /v1/complete', /^GET \/health/]
 */
export type RouteRule = string | RegExp

/**
 * Options of {@link createRequestSelection}.
 * @example const options: SelectionOptions = { sample: 0.05, exclude: ['/health'] }
 */
export interface SelectionOptions {
  /** Fraction of requests recorded, 0 to 1 (default 1: every request). */
  sample?: number
  /** When given, only requests matching one of these rules are recorded. */
  include?: readonly RouteRule[]
  /** Requests matching one of these rules are never recorded (wins over `include`). */
  exclude?: readonly RouteRule[]
  /**
   * Also record requests that sampling left out when their response status is 500 or above (default
   * true). The price: every request is then captured and the unsampled ones discarded at the end.
   */
  recordErrors?: boolean
}

/** What to do with one arriving request. */
export type Selection = 'record' | 'record-if-error' | 'filtered' | 'sampled-out'

/**
 * Decides per request; built once per recorder.
 * @example createRequestSelection({ sample: 0.1 })('GET', '/api/items?q=1') // 'record' about 1 time in 10
 */
export type RequestSelection = (method: string, url: string) => Selection

/**
 * Validates the options and returns the selection function.
 * @example const select = createRequestSelection({ include: ['/api/**'], sample: 0.5 })
 */
export function createRequestSelection(options: SelectionOptions): RequestSelection {
  const sample = options.sample ?? 1
  if (typeof sample !== 'number' || !(sample >= 0 && sample <= 1)) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to create the recorder: sample must be a number from 0 to 1, got ${String(sample)}.`,
      { hint: 'Pass the fraction of requests to record, e.g. sample: 0.05 for 5%.' },
    )
  }
  const include = options.include?.map(compileRule)
  const exclude = (options.exclude ?? []).map(compileRule)
  const recordErrors = options.recordErrors ?? true
  return (method, url) => {
    const route = `${method} ${url}`
    if (
      exclude.some((rule) => rule(route)) ||
      (include !== undefined && !include.some((rule) => rule(route)))
    ) {
      return 'filtered'
    }
    if (sample >= 1 || realSources.random() < sample) return 'record'
    return recordErrors ? 'record-if-error' : 'sampled-out'
  }
}

/**
 * The header parallax's own replays carry (`parallax replay --target`): requests with it are never
 * recorded, so replaying traffic against a recorded service does not record the replay.
 */
export const REPLAY_HEADER = 'x-parallax-replay'

/**
 * Whether a request's raw header list (`IncomingMessage.rawHeaders`) carries {@link REPLAY_HEADER}; reads
 * the raw list, not `req.headers`, which Node builds on first read.
 * @example isReplayTraffic(req.rawHeaders)
 */
export function isReplayTraffic(rawHeaders: readonly string[] | undefined): boolean {
  if (rawHeaders === undefined) return false
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!
    if (name.length === REPLAY_HEADER.length && name.toLowerCase() === REPLAY_HEADER) return true
  }
  return false
}

/**
 * Whether a finished response counts as an error that is recorded even when sampling left it out.
 * @example isErrorStatus(503) // true
 */
export function isErrorStatus(status: number): boolean {
  return status >= 500
}

/** Compiles a rule into a test of `METHOD /path?query`. */
function compileRule(rule: RouteRule): (route: string) => boolean {
  if (rule instanceof RegExp) return (route) => rule.test(route)
  if (typeof rule !== 'string' || rule.trim() === '') {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to create the recorder: the route rule ${String(rule)} is empty.`,
      {
        hint: "Write rules such as '/api/**', 'POST /v1/complete' or a RegExp.",
      },
    )
  }
  const [first, second] = rule.trim().split(/\s+/, 2)
  const method = second === undefined ? undefined : first?.toUpperCase()
  const pattern = globToRegExp(second ?? first ?? '')
  return (route) => {
    const space = route.indexOf(' ')
    if (method !== undefined && method !== '*' && route.slice(0, space) !== method) return false
    const target = route.slice(space + 1)
    const query = target.indexOf('?')
    return pattern.test(query === -1 ? target : target.slice(0, query))
  }
}

function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*'
      i++
    } else if (char === '*') source += '[^/]*'
    else source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}
