/**
 * HTTP target mode: recorded inbound requests replayed against two running services (any language) and
 * their answers compared, with every reporter of a pipeline replay (the answer is one "stage",
 * `response`). With three targets — primary, secondary, candidate — the first two run the known-good
 * version: what differs between them is noise, and is ignored when the candidate is compared with the
 * primary (Diffy's trick). Requests that could change state (POST, PUT, PATCH, DELETE…) are sent only
 * when asked, and each one skipped is listed.
 */
import { connect } from 'node:net'
import { basename } from 'node:path'
import {
  type ChangedPath,
  type Comparison,
  type CompiledNoise,
  compileNoiseRules,
  type DiffJsonOptions,
  diffJson,
  diffJsonTexts,
  diffUnderNoise,
  hasValueRules,
  hideByPathRules,
  mergeNoise,
  type NoisyDiff,
} from '../diff/index.ts'
import { ParallaxError, serializeError } from '../recording/errors.ts'
import { inboundRoute, loadRecordings } from '../recording/index.ts'
import type { Recording } from '../recording/types.ts'
import {
  answerValue,
  createTargetClient,
  type HttpTarget,
  JSON_CONTENT_TYPE,
  type RawAnswer,
  SAFE_METHODS,
} from '../replay/index.ts'
import { type RecordingOutcome, type ReplayRun, statusOf, type VariantRun } from '../report/index.ts'
import { noiseTotals } from './run-scenario.ts'
import { shellCommand } from './shell-command.ts'

/** Headers that differ between any two servers or connections: not compared unless asked. */
export const DEFAULT_HTTP_NOISE = {
  headers: { deny: ['date', 'connection', 'keep-alive', 'transfer-encoding'] },
}

export interface RunTargetsOptions {
  /** Send POST, PUT, PATCH, DELETE and other unsafe methods too. */
  allowSideEffects?: boolean
  /** Requests in flight per target (and connections per target); default 8. */
  concurrency?: number
  /** Replay at the recorded pace times this factor (2 = twice as fast); default as fast as allowed. */
  rate?: number
  /** Only these recording ids. */
  recordingIds?: readonly string[]
  /** Keep both answers of each divergence (`divergence.values`), for the HTML report. */
  keepValues?: boolean
  noise?: CompiledNoise
  /** Command-line flags that change the result (the noise flags), added to every replay command. */
  replayFlags?: readonly string[]
  onProgress?: (done: number, total: number, outcome: RecordingOutcome) => void
}

/** A target-mode run, and the requests it did not send. */
export interface TargetRun {
  run: ReplayRun
  skipped: Array<{ recordingId: string; route: string; reason: string }>
}

/**
 * Replays the recordings under `path` against 2 or 3 targets and compares the answers.
 * @example const { run } = await runTargets('recordings/api', [local, prod])
 */
export async function runTargets(
  path: string,
  targets: readonly HttpTarget[],
  options: RunTargetsOptions = {},
): Promise<TargetRun> {
  if (
    targets.length < 2 ||
    targets.length > 3 ||
    new Set(targets.map((t) => t.name)).size !== targets.length
  ) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to replay against targets: name 2 or 3 distinct targets, got ${targets.length}.`,
      {
        hint: 'Two: --target local=… --target prod=…; three: primary and secondary (the known-good version twice) and the candidate.',
      },
    )
  }
  await Promise.all(targets.map(checkReachable))
  const startedAt = performance.now()
  const { recordings: loaded, errors } = await loadRecordings(path)
  const skipped: TargetRun['skipped'] = []
  const toSend: Recording[] = []
  for (const { recording } of loaded) {
    if (options.recordingIds && !options.recordingIds.includes(recording.id)) continue
    const method = recording.inbound.request.method.toUpperCase()
    if (!options.allowSideEffects && !SAFE_METHODS.has(method)) {
      skipped.push({
        recordingId: recording.id,
        route: inboundRoute(recording.inbound.request),
        reason: `${method} could change state: pass --allow-side-effects to send it`,
      })
    } else if (recording.inbound.request.body?.truncated) {
      skipped.push({
        recordingId: recording.id,
        route: inboundRoute(recording.inbound.request),
        reason: 'its body was truncated when recorded',
      })
    } else {
      toSend.push(recording)
    }
  }
  const noise = mergeNoise(compileNoiseRules(DEFAULT_HTTP_NOISE, 'the default HTTP noise'), options.noise)
  // --concurrency and --rate change nothing for one recording: the replay command leaves them out.
  const replayKey = (id: string) =>
    shellCommand([
      'parallax',
      'replay',
      path,
      ...targets.flatMap((t) => ['--target', `${t.name}=${t.url}`]),
      '--recording',
      id,
      ...(options.allowSideEffects ? ['--allow-side-effects'] : []),
      ...(options.replayFlags ?? []),
    ])
  const [left, right] = targets.length === 3 ? [targets[0]!, targets[2]!] : [targets[0]!, targets[1]!]
  const concurrency = Math.max(1, options.concurrency ?? 8)
  const client = createTargetClient(targets, concurrency)
  const outcomes: RecordingOutcome[] = new Array(toSend.length)
  const firstAt = Math.min(...toSend.map((r) => Date.parse(r.recordedAt)).filter(Number.isFinite))
  let next = 0
  let done = 0
  const worker = async () => {
    for (let index = next++; index < toSend.length; index = next++) {
      const recording = toSend[index]!
      if (options.rate !== undefined && Number.isFinite(firstAt)) {
        const due =
          (Date.parse(recording.recordedAt) - firstAt) / options.rate - (performance.now() - startedAt)
        if (due > 0) await new Promise((resolve) => setTimeout(resolve, due))
      }
      outcomes[index] = await replayOne(
        recording,
        targets,
        [left, right],
        noise,
        client.send,
        replayKey,
        options.keepValues === true,
      )
      options.onProgress?.(++done, toSend.length, outcomes[index]!)
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, toSend.length) }, worker))
  } finally {
    await client.close()
  }
  const count = (status: string) => outcomes.filter((o) => statusOf(o.result) === status).length
  const run: ReplayRun = {
    scenario: basename(path),
    pipeline: 'http',
    variants: [left.name, right.name],
    recordings: outcomes,
    loadErrors: errors.map((error) => serializeError(error)),
    summary: {
      total: outcomes.length,
      agree: count('agree'),
      diverge: count('diverge'),
      failed: count('failed'),
      invalid: errors.length,
    },
    noise: noiseTotals(outcomes),
    durationMs: performance.now() - startedAt,
  }
  return { run, skipped }
}

/** How long a target may take to accept a connection before the run stops with a usage error. */
const CONNECT_TIMEOUT_MS = 5000

/**
 * Opens (and closes) one TCP connection to a target before anything is sent: a target that refuses it or
 * does not answer is a mistake in the command line (a wrong port, a service not started), not a divergence.
 */
async function checkReachable(target: HttpTarget): Promise<void> {
  const url = new URL(target.url)
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port })
    const fail = (reason: string) => {
      socket.destroy()
      reject(
        new ParallaxError(
          'PARALLAX_USAGE',
          `Failed to replay against target ${target.name} (${target.url}): ${reason}.`,
          {
            hint: `Start the service, or fix --target ${target.name}=<url>.`,
          },
        ),
      )
    }
    socket.setTimeout(CONNECT_TIMEOUT_MS, () =>
      fail(`it did not accept a connection within ${CONNECT_TIMEOUT_MS} ms`),
    )
    socket.once('error', (error: NodeJS.ErrnoException) =>
      fail(`it refuses connections (${error.code ?? error.message})`),
    )
    socket.once('connect', () => {
      socket.end()
      resolve()
    })
  })
}

async function replayOne(
  recording: Recording,
  targets: readonly HttpTarget[],
  [left, right]: readonly [HttpTarget, HttpTarget],
  noise: CompiledNoise,
  send: (target: HttpTarget, request: Recording['inbound']['request']) => Promise<RawAnswer>,
  replayKey: (id: string) => string,
  keepValues: boolean,
): Promise<RecordingOutcome> {
  const request = recording.inbound.request
  const route = inboundRoute(request)
  const base = {
    recordingId: recording.id,
    source: { file: recording.id, line: 0 },
    route,
    replayKey: replayKey(recording.id),
  }
  const started = performance.now()
  const answers = await Promise.allSettled(targets.map((target) => send(target, request)))
  const ms = performance.now() - started
  const runs = [left, right].map(
    (target): VariantRun => ({
      variant: target.name,
      isolation: 'worker',
      stages: [{ name: 'response', ms, threw: false }],
      totalMs: ms,
      outbound: { recorded: 0, consumed: 0, unmatched: 0 },
    }),
  ) as [VariantRun, VariantRun]
  const failedAt = answers.findIndex((answer) => answer.status === 'rejected')
  if (failedAt !== -1) {
    const reason = (answers[failedAt] as PromiseRejectedResult).reason as Error
    const error = new ParallaxError(
      'PARALLAX_STAGE_FAILED',
      `Failed to replay ${route} against ${targets[failedAt]!.name}: ${reason.message}.`,
      {
        hint: `Check that ${targets[failedAt]!.url} is up and answers.`,
        cause: reason,
      },
    )
    return {
      ...base,
      result: { kind: 'failed', variant: targets[failedAt]!.name, error: serializeError(error), runs },
    }
  }
  const raws = (answers as Array<PromiseFulfilledResult<RawAnswer>>).map((answer) => answer.value)
  let rules = noise
  if (targets.length === 3) {
    // What the two runs of the known-good version disagree on is noise for this request.
    const noisy = answerChanges(raws[0]!, raws[1]!, {}).map((change) => change.path)
    if (noisy.length > 0)
      rules = mergeNoise(noise, compileNoiseRules({ ignore: noisy }, 'primary vs secondary'))
  }
  const [l, r] = targets.length === 3 ? [raws[0]!, raws[2]!] : [raws[0]!, raws[1]!]
  // One "stage", the answer, compared directly on the answers: nothing to hash.
  const diff = answerUnderNoise(l, r, rules)
  const differs = diff.paths.length > 0
  const comparison: Comparison = {
    recordingId: recording.id,
    pipeline: 'http',
    variants: [left.name, right.name],
    stages: [
      {
        name: 'response',
        verdict: differs ? 'culprit' : 'equal',
        inputEqual: true,
        outputEqual: !differs,
        ...(differs && { paths: diff.paths }),
      },
    ],
    divergence: differs
      ? {
          kind: 'stage',
          culprit: 'response',
          paths: diff.paths,
          propagatedTo: [],
          ...(keepValues && {
            values: {
              input: { method: request.method, url: route },
              left: answerValue(l),
              right: answerValue(r),
              clipped: false,
            },
          }),
        }
      : { kind: 'none', stagesCompared: 1 },
    noise: rules.rules.map((rule, index) => ({ rule: rule.label, hidden: diff.hidden[index] ?? 0 })),
  }
  return { ...base, result: { kind: 'compared', comparison, runs } }
}

/**
 * Compares two answers under noise rules. With path rules only (ignore, tolerance, headers), the changes
 * are found without decoding the bodies (`answerChanges`) and the rules drop theirs; value rules (masks,
 * unordered arrays) rewrite the decoded answers.
 */
function answerUnderNoise(left: RawAnswer, right: RawAnswer, noise: CompiledNoise): NoisyDiff {
  if (hasValueRules(noise)) {
    const sameBody = sameBodies(left, right)
    const value = (answer: RawAnswer) =>
      sameBody ? { status: answer.status, headers: answer.headers } : answerValue(answer)
    return diffUnderNoise(value(left), value(right), noise)
  }
  const options = noise.identityKeys ? { identityKeys: noise.identityKeys } : {}
  return hideByPathRules(answerChanges(left, right, options), noise)
}

/**
 * The changes between two answers, as `diffJson` of their `answerValue`s gives them: status and headers
 * compared as values; the body not at all when both are the same bytes of the same content type, and,
 * when both are JSON, from the two texts, parsing only the parts that differ. Bodies that are not JSON
 * after all (a differing part does not parse) are compared decoded, as text.
 */
function answerChanges(left: RawAnswer, right: RawAnswer, options: DiffJsonOptions): ChangedPath[] {
  const leftType = left.headers['content-type']
  const rightType = right.headers['content-type']
  const meta = (answer: RawAnswer) => ({ status: answer.status, headers: answer.headers })
  if (sameBodies(left, right)) return diffJson(meta(left), meta(right), options)
  if (
    left.bytes.byteLength > 0 &&
    right.bytes.byteLength > 0 &&
    JSON_CONTENT_TYPE.test(leftType ?? '') &&
    JSON_CONTENT_TYPE.test(rightType ?? '')
  ) {
    try {
      // `body` sorts before `headers` and `status`: the order diffJson gives the whole answers.
      const body = diffJsonTexts(left.bytes.toString('utf8'), right.bytes.toString('utf8'), options, '$.body')
      return [...body, ...diffJson(meta(left), meta(right), options)]
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error
    }
  }
  return diffJson(answerValue(left), answerValue(right), options)
}

/**
 * Whether the bodies are the same bytes of the same content type: their subtrees of the decoded answers
 * would be equal, so the answers differ (and the rules hide) only in status and headers.
 */
function sameBodies(left: RawAnswer, right: RawAnswer): boolean {
  return left.headers['content-type'] === right.headers['content-type'] && left.bytes.equals(right.bytes)
}
