/**
 * The typed reporter registry: each output format is a factory here, and the formats the CLI's `--report`
 * accepts are this registry's keys.
 */
import { renderHtml } from './render-html.ts'
import { renderJson } from './render-json.ts'
import { renderJunit } from './render-junit.ts'
import { renderMarkdown } from './render-markdown.ts'
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
  junit: (_options) => ({ render: renderJunit }),
  markdown: (_options) => ({ render: renderMarkdown }),
} satisfies Record<string, ReporterFactory>

/** A registered reporter's name: `'terminal' | 'json' | 'html' | 'junit' | 'markdown'`. */
export type ReporterName = keyof typeof reporters

/**
 * The registered names, for a CLI's choices.
 * @example new Option('--reporter <name>').choices(reporterNames)
 */
export const reporterNames = Object.keys(reporters) as ReporterName[]

/**
 * True when `name` is a registered reporter.
 * @example isReporterName('junit') // true; isReporterName('pdf') // false
 */
export function isReporterName(name: string): name is ReporterName {
  return Object.hasOwn(reporters, name)
}
