/**
 * The typed reporter registry: each output format is a factory here, and the CLI's accepted `--reporter`
 * values are this registry's keys. Later formats (junit, markdown, html) are added as one entry each.
 */
import { renderHtml } from './render-html.ts'
import { renderJson } from './render-json.ts'
import { renderTerminal } from './render-terminal.ts'
import type { ReplayRun } from './types.ts'

/** What every reporter may be told; a format ignores what does not concern it. */
export interface ReporterOptions {
  color: boolean
  width: number
  verbose: boolean
}

/** A reporter renders a whole run to the text it writes (stdout or a file). */
export interface Reporter {
  render(run: ReplayRun): string
}

/** Builds a reporter from options. */
export type ReporterFactory = (options: ReporterOptions) => Reporter

/**
 * Every reporter by name.
 * @example reporters.terminal({ color: false, width: 100, verbose: false }).render(run)
 */
export const reporters = {
  terminal: (options) => ({ render: (run) => renderTerminal(run, options) }),
  json: (_options) => ({ render: renderJson }),
  html: (_options) => ({ render: renderHtml }),
} satisfies Record<string, ReporterFactory>

/** A registered reporter's name: `'terminal' | 'json'`. */
export type ReporterName = keyof typeof reporters

/**
 * The registered names, for a CLI's choices.
 * @example new Option('--reporter <name>').choices(reporterNames)
 */
export const reporterNames = Object.keys(reporters) as ReporterName[]

/**
 * True when `name` is a registered reporter.
 * @example isReporterName('junit') // false until junit is registered
 */
export function isReporterName(name: string): name is ReporterName {
  return Object.hasOwn(reporters, name)
}
