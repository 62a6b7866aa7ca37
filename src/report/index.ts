/**
 * The report layer: rendering a replay run for a terminal or as JSON, through a typed reporter registry.
 */
export type { ChangeText } from './format-change.ts'
export { formatChange } from './format-change.ts'
export { plainChange } from './format-detail.ts'
export {
  type DivergenceGroup,
  type GroupExample,
  type GroupOptions,
  generalizeMessage,
  generalizePath,
  groupDivergences,
  groupPlace,
  type SignatureEntry,
} from './group-divergences.ts'
export type { CulpritCount, RecordingStatus } from './outcome-status.ts'
export { countCulprits, statusOf } from './outcome-status.ts'
export { plural } from './plural.ts'
export { renderHtml } from './render-html.ts'
export { type JsonInspection, renderInspect, renderInspectJson } from './render-inspect.ts'
export type { JsonError, JsonRecording, JsonReplayResult } from './render-json.ts'
export { REPLAY_RESULT_FORMAT, REPLAY_RESULT_VERSION, renderJson, toJsonResult } from './render-json.ts'
export { renderJunit, renderJunitRuns } from './render-junit.ts'
export { MAX_MARKDOWN_CHARS, renderMarkdown } from './render-markdown.ts'
export type { TerminalOptions } from './render-terminal.ts'
export { renderTerminal } from './render-terminal.ts'
export type { Reporter, ReporterFactory, ReporterName, ReporterOptions } from './reporters.ts'
export { isReporterName, reporterNames, reporters } from './reporters.ts'
export { quoteText, sanitizeText } from './sanitize-text.ts'
export type { NoiseTotal, RecordingOutcome, RecordingResult, ReplayRun, VariantRun } from './types.ts'
