/**
 * The JUnit XML report, for CI test views (GitHub Actions test reporters, GitLab, Jenkins): one test suite
 * per scenario, one test case per recording. A diverging recording is a `<failure>` whose text names the
 * culprit stage (or the outside source), the checkpoint, the changed paths with clipped before/after, the
 * stages it propagated to and the replay key; a failed replay and an invalid recording line are `<error>`s.
 * What each noise rule hid is a suite property per rule and the suite's `<system-out>`.
 *
 * Recorded text is untrusted: terminal sequences are stripped from ids, routes and messages, every other
 * control character is shown as an escape (values stay faithful: `"\x1b[31m"`, not a blank), characters XML
 * 1.0 forbids are removed and the rest is escaped. Output is deterministic: every time comes from the run.
 */
import { stripVTControlCharacters } from 'node:util'
import type { ChangedPath, Divergence } from '../diff/types.ts'
import type { SerializedError } from '../recording/errors.ts'
import { formatChange } from './format-change.ts'
import { plural } from './plural.ts'
import { sanitizeText } from './sanitize-text.ts'
import type { NoiseTotal, RecordingOutcome, ReplayRun } from './types.ts'

/** Changed paths named in a failure's message attribute. */
const MESSAGE_PATHS = 3
/** Changed paths listed in a failure's text. */
const TEXT_PATHS = 20
/** Characters of a before/after value in a failure's text. */
const VALUE_CHARS = 120
/** Characters of a message attribute (CI views show it on one line). */
const MESSAGE_CHARS = 300

/** Characters XML 1.0 does not allow anywhere: C0 controls but tab, LF and CR; U+FFFE, U+FFFF; lone surrogates. */
const ILLEGAL_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

const TEXT_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' }
const ATTRIBUTE_ENTITIES: Record<string, string> = {
  ...TEXT_ENTITIES,
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
}

/**
 * Text made safe for XML element content: illegal characters removed, `&`, `<`, `>` (so `]]>` too) escaped.
 * @example xmlText('a < b ]]> \u0007') // 'a &lt; b ]]&gt; '
 */
export function xmlText(text: string): string {
  return text.replace(ILLEGAL_XML, '').replace(/[&<>\r]/g, (char) => TEXT_ENTITIES[char]!)
}

/**
 * Text made safe for a double- or single-quoted XML attribute; tabs and line breaks are kept as references,
 * which attribute-value normalization would otherwise turn into spaces.
 * @example xmlAttribute('say "hi"\n') // 'say &quot;hi&quot;&#10;'
 */
export function xmlAttribute(text: string): string {
  return text.replace(ILLEGAL_XML, '').replace(/[&<>"'\r\n\t]/g, (char) => ATTRIBUTE_ENTITIES[char]!)
}

/** U+FFFE and U+FFFF, which sanitizeText lets through: shown as escapes like the other invisible characters. */
const NONCHARACTER = /[\ufffe\uffff]/g

/** Recorded text for one line: terminal sequences stripped, other controls shown as escapes. */
function plain(text: string): string {
  return sanitizeText(stripVTControlCharacters(text)).replace(
    NONCHARACTER,
    (char) => `\\u${char.charCodeAt(0).toString(16)}`,
  )
}

/**
 * Renders a replay run as JUnit XML: one `<testcase>` per recording and per invalid recording line.
 * @example writeFileSync('parallax.xml', renderJunit(await runScenario(scenario)))
 */
export function renderJunit(run: ReplayRun): string {
  return renderJunitRuns([run])
}

/**
 * Renders several runs (the scenarios of `parallax test`) as one JUnit document, one `<testsuite>` each.
 * @example writeFileSync('parallax.xml', renderJunitRuns(runs))
 */
export function renderJunitRuns(runs: readonly ReplayRun[]): string {
  const suites = runs.map(junitSuite)
  const total = (key: 'tests' | 'failures' | 'errors') => suites.reduce((sum, suite) => sum + suite[key], 0)
  const time = seconds(runs.reduce((sum, run) => sum + run.durationMs, 0))
  const name =
    runs.length === 1
      ? suites[0]!.title
      : xmlAttribute(`parallax test: ${runs.map((run) => plain(run.scenario)).join(', ')}`)
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${name}" tests="${total('tests')}" failures="${total('failures')}" errors="${total('errors')}" time="${time}">`,
    ...suites.flatMap((suite) => suite.xml),
    '</testsuites>',
    '',
  ].join('\n')
}

function junitSuite(run: ReplayRun): {
  title: string
  tests: number
  failures: number
  errors: number
  xml: string[]
} {
  const scenario = plain(run.scenario)
  const noise = run.noise ?? []
  const cases = run.recordings.map((outcome) => testcase(outcome, run))
  const invalid = run.loadErrors.map((error, index) => loadErrorCase(error, index, scenario))
  const tests = cases.length + invalid.length
  const failures = cases.filter((c) => c.status === 'failure').length
  const errors = cases.filter((c) => c.status === 'error').length + invalid.length
  const time = seconds(run.durationMs)
  const counts = `tests="${tests}" failures="${failures}" errors="${errors}"`
  const [left, right] = [plain(run.variants[0]), plain(run.variants[1])]
  const title = xmlAttribute(`parallax ${scenario}: ${left} vs ${right}`)
  const xml = [
    `  <testsuite name="${xmlAttribute(scenario)}" ${counts} skipped="0" time="${time}">`,
    '    <properties>',
    property('pipeline', plain(run.pipeline)),
    property('variants', `${left},${right}`),
    ...noise.map((total) => property(`noise: ${plain(total.rule)}`, hid(total))),
    '    </properties>',
    ...cases.map((c) => c.xml),
    ...invalid,
    ...(noise.length > 0 ? [`    <system-out>${xmlText(noiseText(noise))}</system-out>`] : []),
    '  </testsuite>',
  ]
  return { title, tests, failures, errors, xml }
}

/** What one noise rule hid: `hid 24 changes in 8 recordings`, or `hid nothing`. */
function hid(total: NoiseTotal): string {
  if (total.hidden === 0) return 'hid nothing'
  return `hid ${plural(total.hidden, 'change')} in ${plural(total.recordings, 'recording')}`
}

/** The suite's output: what each noise rule hid, so a rule that hides a bug shows in the CI test view. */
function noiseText(noise: readonly NoiseTotal[]): string {
  return ['Noise rules:', ...noise.map((total) => `  ${plain(total.rule)} ${hid(total)}`)].join('\n')
}

function property(name: string, value: string): string {
  return `      <property name="${xmlAttribute(name)}" value="${xmlAttribute(value)}"/>`
}

/** Seconds with millisecond precision, as JUnit readers expect. */
function seconds(ms: number): string {
  return (Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000).toFixed(3)
}

function testcase(
  outcome: RecordingOutcome,
  run: ReplayRun,
): { status: 'pass' | 'failure' | 'error'; xml: string } {
  const route = plain(outcome.route)
  const id = plain(outcome.recordingId)
  const result = outcome.result
  const ms = result.runs.reduce((sum, variantRun) => sum + variantRun.totalMs, 0)
  const open =
    `    <testcase classname="${xmlAttribute(`${plain(run.scenario)}.${route}`)}"` +
    ` name="${xmlAttribute(`${route} (${id})`)}" time="${seconds(ms)}"` +
    ` file="${xmlAttribute(plain(outcome.source.file))}">`
  const replay = `Replay: ${plain(outcome.replayKey)}`
  if (result.kind === 'failed') {
    const error = result.error
    const text = [
      `The replay failed under ${plain(result.variant)}.`,
      ...errorLines(error),
      `Recording: ${plain(outcome.source.file)}:${outcome.source.line}`,
      replay,
    ].join('\n')
    const message = clip(`replay failed under ${plain(result.variant)}: ${plain(error.message)}`)
    const type = plain(error.code ?? error.name)
    return {
      status: 'error',
      xml: `${open}\n      <error message="${xmlAttribute(message)}" type="${xmlAttribute(type)}">${xmlText(text)}</error>\n    </testcase>`,
    }
  }
  const divergence = result.comparison.divergence
  // Under `parallax test`, a known divergence the scenario expects is a pass, said in the test's output.
  if (outcome.expectation?.met === true) {
    const note =
      divergence.kind === 'none'
        ? ''
        : `\n      <system-out>${xmlText(plain(outcome.expectation.reason))}</system-out>\n    `
    return { status: 'pass', xml: `${open}${note}</testcase>` }
  }
  if (divergence.kind === 'none') {
    if (outcome.expectation === undefined) return { status: 'pass', xml: `${open}</testcase>` }
    const reason = plain(outcome.expectation.reason)
    return {
      status: 'failure',
      xml: `${open}\n      <failure message="${xmlAttribute(clip(reason))}" type="expectation">${xmlText(`${reason}\n${replay}`)}</failure>\n    </testcase>`,
    }
  }
  const [left, right] = [plain(run.variants[0]), plain(run.variants[1])]
  const text = [
    ...divergenceLines(divergence, left, right),
    `Recording: ${plain(outcome.source.file)}:${outcome.source.line}`,
    replay,
  ].join('\n')
  return {
    status: 'failure',
    xml: `${open}\n      <failure message="${xmlAttribute(failureMessage(divergence))}" type="divergence">${xmlText(text)}</failure>\n    </testcase>`,
  }
}

type Diverging = Exclude<Divergence, { kind: 'none' }>

/** `diverges at stage decode: $.documents[1].text, $.documents[2] (+4 more)`, on one line. */
function failureMessage(divergence: Diverging): string {
  const where =
    divergence.kind === 'stage'
      ? `diverges at stage ${plain(divergence.culprit)}${divergence.checkpoint ? ` (probe ${plain(divergence.checkpoint)})` : ''}`
      : `diverges outside the pipeline at stage ${plain(divergence.stage)} (${sourceWords(divergence.source)})`
  const shown = divergence.paths.slice(0, MESSAGE_PATHS).map((change) => plain(change.path))
  const more = divergence.paths.length - shown.length
  const paths = shown.length === 0 ? '' : `: ${shown.join(', ')}${more > 0 ? ` (+${more} more)` : ''}`
  return clip(`${where}${paths}`)
}

function sourceWords(source: 'outbound' | 'input'): string {
  return source === 'outbound' ? 'outbound requests' : 'input'
}

function divergenceLines(divergence: Diverging, left: string, right: string): string[] {
  const lines: string[] = []
  if (divergence.kind === 'stage') {
    lines.push(`Diverges at stage ${plain(divergence.culprit)} (${left} → ${right}).`)
    lines.push(
      `Culprit: ${plain(divergence.culprit)}, the first stage whose input agrees under both variants and whose output does not.`,
    )
    if (divergence.checkpoint) lines.push(`Checkpoint: ${plain(divergence.checkpoint)}`)
  } else {
    const what = divergence.source === 'outbound' ? 'outbound requests' : 'input'
    lines.push(
      `Diverges outside the pipeline: the ${what} of stage ${plain(divergence.stage)} ${divergence.source === 'outbound' ? 'differ' : 'differs'} (${left} → ${right}).`,
      plain(divergence.detail),
    )
  }
  lines.push(...pathLines(divergence.paths))
  lines.push(
    divergence.propagatedTo.length > 0
      ? `Propagated to: ${divergence.propagatedTo.map(plain).join(', ')}`
      : 'Propagated to: no later stage',
  )
  const others = divergence.others ?? []
  if (others.length > 0)
    lines.push(
      `Also introduced at: ${others
        .map((other) =>
          other.kind === 'stage'
            ? plain(other.culprit)
            : `${plain(other.stage)} (${sourceWords(other.source)})`,
        )
        .join(', ')}`,
    )
  return lines
}

function pathLines(paths: readonly ChangedPath[]): string[] {
  if (paths.length === 0) return ['Changed paths: none recorded']
  const lines = [`Changed paths (${paths.length}):`]
  for (const change of paths.slice(0, TEXT_PATHS)) {
    const text = { ...formatChange(change, VALUE_CHARS), path: plain(change.path) }
    if (change.op === 'add') lines.push(`  ${text.path}: added ${text.after ?? ''}`)
    else if (change.op === 'remove') lines.push(`  ${text.path}: removed ${text.before ?? ''}`)
    else if (change.op === 'move') lines.push(`  ${text.path}: ${text.before ?? ''} moved ${text.move ?? ''}`)
    else lines.push(`  ${text.path}: ${text.before ?? ''} → ${text.after ?? ''}`)
  }
  if (paths.length > TEXT_PATHS) lines.push(`  +${paths.length - TEXT_PATHS} more`)
  return lines
}

function errorLines(error: SerializedError): string[] {
  const lines = [`${plain(error.code ?? error.name)}: ${plain(error.message)}`]
  if (error.hint) lines.push(`Hint: ${plain(error.hint)}`)
  return lines
}

/** An invalid recording line as an error test case, named by its file and line when known. */
function loadErrorCase(error: SerializedError, index: number, scenario: string): string {
  const file = error.details?.['file']
  const line = error.details?.['line']
  const where =
    typeof file === 'string'
      ? `${plain(file)}${typeof line === 'number' ? `:${line}` : ''}`
      : `invalid recording ${index + 1}`
  const type = plain(error.code ?? error.name)
  const text = [...errorLines(error), 'The line was skipped; the other lines still ran.'].join('\n')
  return [
    `    <testcase classname="${xmlAttribute(`${scenario}.invalid recordings`)}" name="${xmlAttribute(where)}" time="0.000">`,
    `      <error message="${xmlAttribute(clip(`invalid recording: ${plain(error.message)}`))}" type="${xmlAttribute(type)}">${xmlText(text)}</error>`,
    '    </testcase>',
  ].join('\n')
}

/** Cuts a one-line message to {@link MESSAGE_CHARS}, never inside a surrogate pair. */
function clip(text: string): string {
  if (text.length <= MESSAGE_CHARS) return text
  let end = MESSAGE_CHARS - 1
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end--
  return `${text.slice(0, end)}…`
}
