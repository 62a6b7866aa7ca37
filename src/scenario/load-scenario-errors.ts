/**
 * What went wrong loading a scenario file, said for the person who wrote it: a folder where a file was
 * expected, a file type Node does not load, where a syntax error is, which JSON field is missing.
 */
import { spawnSync } from 'node:child_process'
import { isAbsolute, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ParallaxError } from '../recording/errors.ts'
import { shellCommand } from './shell-command.ts'

/** The file types a scenario may be: modules Node loads, and JSON. */
export const SCENARIO_FILE_TYPES = ['.ts', '.mts', '.js', '.mjs', '.json'] as const

/**
 * The error for a scenario path that is a folder (often a folder of recordings).
 * @example throw scenarioFolderError('recordings/api')
 */
export function scenarioFolderError(path: string): ParallaxError {
  return new ParallaxError(
    'PARALLAX_USAGE',
    `Failed to load scenario ${path}: it is a folder, not a scenario file.`,
    {
      hint: `To replay a folder of recordings, name it in a scenario's recordings (parallax replay scenarios/copilot.ts), or send it to running services with --target: ${shellCommand(['parallax', 'replay', path, '--target', 'local=http://127.0.0.1:3000', '--target', 'prod=http://127.0.0.1:4000'])}.`,
    },
  )
}

/**
 * The error for a scenario module that failed to import: the file type Node refused, or what it
 * threw, with `file:line:column` when Node tells where.
 * @example throw scenarioImportError('scenarios/api.ts', '/repo/scenarios/api.ts', error)
 */
export function scenarioImportError(path: string, file: string, error: unknown): ParallaxError {
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    return new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to load scenario ${path}: it is not a file type a scenario can be.`,
      {
        hint: `A scenario is a module exporting defineScenario({...}) (${SCENARIO_FILE_TYPES.filter((type) => type !== '.json').join(', ')}) or a JSON file (.json, described by schema/scenario.schema.json).`,
        cause: error,
      },
    )
  }
  const message = error instanceof Error ? error.message : String(error)
  const syntax =
    error instanceof Error && error.name === 'SyntaxError' ? syntaxErrorAt(error, file) : undefined
  const at = syntax ?? thrownAt(error, file)
  return new ParallaxError(
    'PARALLAX_USAGE',
    syntax
      ? `Failed to load scenario ${path}: a syntax error at ${syntax}: ${message}`
      : `Failed to load scenario ${path}: it threw while loading${at ? ` at ${at}` : ''}: ${message}`,
    {
      hint: `Fix the error${at ? ` at ${at}` : ''} in the scenario file (or in what it imports).`,
      cause: error,
    },
  )
}

/**
 * A JSON scenario's first schema issue as a sentence: `variants is missing`, `name is empty`,
 * `seed must be an integer`; zod's own words for the rarer ones.
 * @example jsonScenarioIssue({ code: 'invalid_type', path: ['variants'], message: '…', expected: 'record' }, {}) // 'variants is missing'
 */
export function jsonScenarioIssue(
  issue: {
    code: string
    path: ReadonlyArray<PropertyKey>
    message: string
    expected?: unknown
    origin?: unknown
    minimum?: unknown
    values?: unknown
  },
  data: unknown,
): string {
  const name = issue.path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('')
  if (issue.path.length > 0 && valueAt(data, issue.path) === undefined) return `${name} is missing`
  const field = name || 'the file'
  if (issue.code === 'invalid_type' && typeof issue.expected === 'string') {
    const kind = KINDS[issue.expected]
    if (kind) return `${field} must be ${kind}`
  }
  if (issue.code === 'too_small' && issue.minimum === 1) {
    if (issue.origin === 'string') return `${field} is empty`
    if (issue.origin === 'array') return `${field} is an empty list`
  }
  if (issue.code === 'invalid_value' && Array.isArray(issue.values)) {
    return `${field} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`
  }
  return `at ${name ? `.${name}` : 'the top'}, ${issue.message}`
}

/** The JSON types zod names, as a sentence says them. */
const KINDS: Record<string, string> = {
  record: 'an object',
  object: 'an object',
  string: 'a string',
  array: 'an array',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = data
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

/**
 * Where a syntax error is: Node puts `file:line`, the source line and a caret above the stack of a
 * TypeScript syntax error; for JavaScript it keeps them to itself, so `node --check` is asked. None
 * when the file parses (a SyntaxError thrown while running, by JSON.parse say).
 */
function syntaxErrorAt(error: Error, file: string): string | undefined {
  const fromStack = caretLocation(error.stack ?? '')
  if (fromStack) return fromStack
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 })
  return check.status === 0 ? undefined : caretLocation(check.stderr ?? '')
}

/**
 * `file:line:column` from the header Node puts above a syntax error: `file:line` (a path or a file URL),
 * the source around it, and a `^` under the column.
 */
function caretLocation(text: string): string | undefined {
  const head = /^(.+):(\d+)\n/.exec(text)
  const caret = /^([ \t]*)\^/m.exec(text.slice(head?.[0].length ?? 0))
  if (!head || !caret) return undefined
  const at = head[1]!.startsWith('file:') ? fileURLToPath(head[1]!) : head[1]!
  return `${shown(at)}:${head[2]}:${caret[1]!.length + 1}`
}

/** Where the scenario file itself threw, from the first stack frame in it (not in what it imports). */
function thrownAt(error: unknown, file: string): string | undefined {
  const stack = error instanceof Error ? (error.stack ?? '') : ''
  const url = pathToFileURL(file).href
  for (const frame of stack.split('\n')) {
    const index = frame.indexOf(`${url}:`)
    if (index === -1) continue
    const match = /^:(\d+):(\d+)/.exec(frame.slice(index + url.length))
    if (match) return `${shown(file)}:${match[1]}:${match[2]}`
  }
  return undefined
}

/** A path as the user would type it: relative to the working folder when it is under it. */
function shown(path: string): string {
  const local = relative(process.cwd(), path)
  return local !== '' && !local.startsWith('..') && !isAbsolute(local) ? local : path
}
