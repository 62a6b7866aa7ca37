/**
 * Importing HAR: every entry from another producer becomes one Recording whose inbound exchange is that
 * entry; entries parallax exported are regrouped into the recordings they came from, exactly. A bad
 * entry is reported and skipped; the others still import.
 */
import { createHash } from 'node:crypto'
import { describeFirstIssue, recordingSchema } from '../schema.ts'
import { sortedJson } from '../sorted-json.ts'
import type { Checkpoint, Exchange, Nondeterminism, Recording, RecordingMeta } from '../types.ts'
import { exchangeFromEntry } from './exchange-from-entry.ts'
import { issueText, nestsDeeperThan } from './har-issues.ts'
import {
  type ExchangeFactsInput,
  exchangeFactsSchema,
  HAR_LIMITS,
  type HarEntryInput,
  harEntrySchema,
  harEnvelopeSchema,
} from './har-schema.ts'
import { HAR_FILE_HINT, harFileError } from './parse-har-text.ts'

/**
 * Options of {@link recordingsFromHar}.
 * @example recordingsFromHar(har, { service: 'checkout', environment: 'staging', source: 'checkout.har' })
 */
export interface HarImportOptions {
  /** `meta.service` of imported entries; defaults to the host name of each entry's URL. */
  service?: string
  /** `meta.environment` of imported entries; defaults to `imported`. */
  environment?: string
  /** The file name, for messages. */
  source?: string
}

/**
 * An entry that was not imported, and why.
 * @example { index: 3, method: 'GET', url: 'https://example.com/', reason: 'startedDateTime is not a date' }
 */
export interface HarSkippedEntry {
  /** The entry's 0-based position in `log.entries`. */
  index: number
  method?: string
  url?: string
  reason: string
}

/**
 * What an import produced: the recordings (in the order of their first entry) and the skipped entries.
 * @example const { recordings, skipped, entries } = recordingsFromHar(har)
 */
export interface HarImportResult {
  recordings: Recording[]
  skipped: HarSkippedEntry[]
  /** How many entries the file holds. */
  entries: number
  /** The HAR's creator, e.g. `{ name: 'WebInspector', version: '537.36' }`. */
  creator?: { name: string; version: string }
}

interface Parsed {
  index: number
  entry: HarEntryInput
  facts?: ExchangeFactsInput
}

interface Group {
  first: number
  inbound?: Parsed
  outbound: Map<number, Parsed>
}

function describe(raw: unknown): { method?: string; url?: string } {
  const request = (raw as { request?: { method?: unknown; url?: unknown } } | null)?.request
  const out: { method?: string; url?: string } = {}
  if (typeof request?.method === 'string') out.method = request.method.slice(0, 20)
  if (typeof request?.url === 'string') out.url = request.url.slice(0, 200)
  return out
}

/**
 * Converts a parsed HAR document (see parseHarText) into recordings. Throws PARALLAX_RECORDING_INVALID
 * when it is not HAR at all; entries that cannot be imported are listed in `skipped`. The result is not
 * redacted: the `import har` command redacts it before writing.
 * @example
 * const { recordings, skipped } = recordingsFromHar(parseHarText(text, 'chrome.har'), { environment: 'local' })
 */
export function recordingsFromHar(har: unknown, options: HarImportOptions = {}): HarImportResult {
  const source = options.source ?? 'the HAR file'
  const envelope = harEnvelopeSchema.safeParse(har)
  if (!envelope.success) {
    throw harFileError(
      source,
      `it is not a HAR 1.2 file (${issueText(harEnvelopeSchema, har)})`,
      HAR_FILE_HINT,
    )
  }
  const { log } = envelope.data
  const skipped: HarSkippedEntry[] = []
  const skip = (index: number, reason: string) =>
    skipped.push({ index, ...describe(log.entries[index]), reason })

  const foreign: Parsed[] = []
  const groups = new Map<string, Group>()
  for (const [index, raw] of log.entries.entries()) {
    const parsed = harEntrySchema.safeParse(raw)
    if (!parsed.success) {
      skip(index, issueText(harEntrySchema, raw))
      continue
    }
    const entry = parsed.data
    if (entry._parallax === undefined) {
      foreign.push({ index, entry })
      continue
    }
    const facts = exchangeFactsSchema.safeParse(entry._parallax)
    if (!facts.success) {
      skip(index, `_parallax.${issueText(exchangeFactsSchema, entry._parallax)}`)
      continue
    }
    const item = { index, entry, facts: facts.data }
    const group = groups.get(facts.data.recording) ?? { first: index, outbound: new Map<number, Parsed>() }
    groups.set(facts.data.recording, group)
    const duplicate = facts.data.role === 'inbound' ? group.inbound : group.outbound.get(facts.data.index)
    if (duplicate !== undefined) {
      skip(
        index,
        `it repeats the ${facts.data.role} entry of recording ${facts.data.recording} (entry ${duplicate.index})`,
      )
      continue
    }
    if (facts.data.role === 'inbound') group.inbound = item
    else group.outbound.set(facts.data.index, item)
  }

  const built: Array<{ first: number; recording: Recording }> = []
  const ids = new Set(groups.keys())
  for (const [id, group] of groups) {
    const result = regroup(id, group)
    const members = [...(group.inbound ? [group.inbound] : []), ...group.outbound.values()]
    if ('problem' in result) for (const member of members) skip(member.index, result.problem)
    else built.push({ first: group.first, recording: result.recording })
  }
  for (const item of foreign) {
    const result = foreignRecording(item.entry, options, ids)
    if ('problem' in result) skip(item.index, result.problem)
    else built.push({ first: item.index, recording: result.recording })
  }

  built.sort((a, b) => a.first - b.first)
  skipped.sort((a, b) => a.index - b.index)
  const result: HarImportResult = {
    recordings: built.map((b) => b.recording),
    skipped,
    entries: log.entries.length,
  }
  if (log.creator?.name) result.creator = { name: log.creator.name, version: log.creator.version ?? '' }
  return result
}

function checked(recording: Recording): { recording: Recording } | { problem: string } {
  const issue = describeFirstIssue(recordingSchema, recording)
  if (issue !== undefined) return { problem: `as a recording, its ${issue.field} ${issue.problem}` }
  return { recording }
}

function foreignRecording(
  entry: HarEntryInput,
  options: HarImportOptions,
  ids: Set<string>,
): { recording: Recording } | { problem: string } {
  const converted = exchangeFromEntry(entry)
  if ('problem' in converted) return converted
  const { exchange, startedAtEpochMs } = converted
  const recordedAt = new Date(startedAtEpochMs).toISOString()
  const digest = sortedJson({ recordedAt, exchange }, HAR_LIMITS.maxDepth)
  const hash = createHash('sha256').update('text' in digest ? digest.text : recordedAt)
  const base = `har-${hash.digest('hex').slice(0, 16)}`
  let id = base
  for (let n = 2; ids.has(id); n++) id = `${base}-${n}`
  const recording: Recording = {
    id,
    recordedAt,
    meta: {
      service: options.service ?? (new URL(exchange.request.url).hostname || 'imported'),
      environment: options.environment ?? 'imported',
    },
    inbound: exchange,
    outbound: [],
    nondeterminism: { clock: [], random: [], uuids: [] },
  }
  const result = checked(recording)
  if ('recording' in result) ids.add(id)
  return result
}

function regroup(id: string, group: Group): { recording: Recording } | { problem: string } {
  const inbound = group.inbound
  if (inbound === undefined) return { problem: `recording ${id} has no inbound entry in this file` }
  const facts = inbound.facts!
  if (facts.recordedAt === undefined || facts.meta === undefined || facts.nondeterminism === undefined) {
    return {
      problem: `the inbound entry of recording ${id} lacks _parallax.recordedAt, meta or nondeterminism`,
    }
  }
  if (facts.checkpoints?.some((checkpoint) => nestsDeeperThan(checkpoint, HAR_LIMITS.maxDepth))) {
    return { problem: `a checkpoint of recording ${id} nests deeper than ${HAR_LIMITS.maxDepth} levels` }
  }
  const exchanges: Exchange[] = []
  const order = [...group.outbound.keys()].sort((a, b) => a - b)
  for (const member of [inbound, ...order.map((index) => group.outbound.get(index)!)]) {
    const converted = exchangeFromEntry(member.entry, member.facts)
    if ('problem' in converted)
      return { problem: `entry ${member.index} of recording ${id}: ${converted.problem}` }
    exchanges.push(converted.exchange)
  }
  if (facts.outbound !== undefined && facts.outbound !== order.length) {
    return {
      problem: `recording ${id} has ${order.length} of its ${facts.outbound} outbound entries in this file`,
    }
  }
  const recording: Recording = {
    id,
    recordedAt: facts.recordedAt,
    meta: facts.meta as RecordingMeta,
    inbound: exchanges[0]!,
    outbound: exchanges.slice(1),
    nondeterminism: facts.nondeterminism as Nondeterminism,
  }
  if (facts.checkpoints !== undefined) recording.checkpoints = facts.checkpoints as Checkpoint[]
  return checked(recording)
}
