/**
 * Divergences summarized across many recordings: 10,000 recordings that hit one bug make one group, not
 * 10,000 lines. Diverging recordings are grouped by where the divergence is introduced (culprit stage and
 * probe checkpoint, or external source and stage) and by their changed-path signature: the set of changed
 * paths with array indices generalized to `[*]`, ops included. Failed replays are grouped by variant, error
 * code and message with its numbers and ids generalized. One pass over the run, one sort of the groups.
 */
import { createHash } from 'node:crypto'
import type { ChangedPath } from '../diff/types.ts'
import type { SerializedError } from '../recording/errors.ts'
import type { RecordingOutcome, ReplayRun } from './types.ts'

/** One changed path of a signature: the path with array indices generalized (`$.documents[*].text`). */
export interface SignatureEntry {
  op: ChangedPath['op']
  path: string
}

/** The recording a group shows as its example: the first of the group in the run's order. */
export interface GroupExample {
  recordingId: string
  route: string
  replayKey: string
  /** Its first few changed paths, as recorded (indices kept, values whole). Empty for a failed replay. */
  paths: ChangedPath[]
  /** How many changed paths it has in all. */
  pathCount: number
  /** Later stages that only carry the divergence. */
  propagatedTo: string[]
  /** What an external divergence is about (the differing outbound requests or input). */
  detail?: string
  /** The error of a failed replay. */
  error?: SerializedError
}

interface GroupFields {
  /** Stable across runs: the same place and signature always give the same key. */
  key: string
  /** Recordings in the group, in all. */
  count: number
  /** The first recordings of the group in the run's order, at most `maxIds` of them (see `count`). */
  recordingIds: string[]
  example: GroupExample
}

/** Recordings that diverge the same way, or whose replay failed the same way. */
export type DivergenceGroup =
  | (GroupFields & {
      kind: 'stage'
      /** The culprit stage. */
      stage: string
      /** The first differing probe inside the culprit (`<stage>:<probe>`), when one differs. */
      checkpoint?: string
      signature: SignatureEntry[]
    })
  | (GroupFields & {
      kind: 'external'
      source: 'outbound' | 'input'
      /** The first stage at which the outside difference is seen. */
      stage: string
      signature: SignatureEntry[]
    })
  | (GroupFields & {
      kind: 'failed'
      /** The variant whose replay failed. */
      variant: string
      /** The error's code (or its name when it has none). */
      code: string
      /** The error message with numbers, ids and the recording's own id generalized. */
      message: string
    })

/** How groups are built. */
export interface GroupOptions {
  /** Recording ids kept per group (the count is always the total). Default 50. */
  maxIds?: number
  /** Changed paths kept in a group's example. Default 5. */
  examplePaths?: number
}

const DEFAULT_MAX_IDS = 50
const DEFAULT_EXAMPLE_PATHS = 5
/** Characters of a generalized error message kept in a group (longer messages are grouped by their start). */
const MESSAGE_CHARS = 240

/** An array index outside a quoted key (`[3]`), or a quoted key (`["a[3]"]`) to leave alone. */
const INDEX_OR_QUOTED_KEY = /\["(?:[^"\\]|\\.)*"\]|\[\d+\]/g

/**
 * The path with every array index generalized to `[*]`; quoted keys are left as they are.
 * @example generalizePath('$.documents[12].tags[0]') // '$.documents[*].tags[*]'
 */
export function generalizePath(path: string): string {
  return path.replace(INDEX_OR_QUOTED_KEY, (match) => (match.charCodeAt(1) === 0x22 ? match : '[*]'))
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi
/** Hex runs of 8+ characters holding at least one digit (digests, request ids, addresses). */
const HEX_ID = /\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi
/** Numbers not glued to a word before them (`after 5000 ms`, `rec-7`; not `v1`, `utf8`). */
const NUMBER = /(?<![A-Za-z_\d])\d+(?:\.\d+)?/g

/**
 * An error message with what varies between recordings generalized: the recording's own id, UUIDs, hex
 * ids and numbers, so that one timeout over 1,000 recordings is one group.
 * @example generalizeMessage('Stage decode timed out after 5000 ms on rec-7.', 'rec-7') // 'Stage decode timed out after <n> ms on <recording>.'
 */
export function generalizeMessage(message: string, recordingId = ''): string {
  const own = recordingId.length >= 3 ? message.split(recordingId).join('<recording>') : message
  const general = own.replace(UUID, '<uuid>').replace(HEX_ID, '<id>').replace(NUMBER, '<n>')
  return general.length > MESSAGE_CHARS ? `${general.slice(0, MESSAGE_CHARS)}…` : general
}

/** What puts an outcome in a group: its place and signature (or failure), and a Map key made of them. */
interface Identity {
  /** Fields joined with NUL, which no stage name, printed path or code holds. */
  text: string
  /** The signature's `path<TAB>op` lines (diverging outcomes only). */
  signature: string
}

/**
 * Groups the run's diverging and failed recordings; agreeing ones are left out. Most frequent first, ties in
 * the order their first recording appears in the run.
 * @example groupDivergences(run) // [{ kind: 'stage', stage: 'decode', count: 5, signature: [{ op: 'replace', path: '$.documents[*].text' }], … }]
 */
export function groupDivergences(run: ReplayRun, options: GroupOptions = {}): DivergenceGroup[] {
  const maxIds = Math.max(0, options.maxIds ?? DEFAULT_MAX_IDS)
  const examplePaths = Math.max(0, options.examplePaths ?? DEFAULT_EXAMPLE_PATHS)
  const groups = new Map<string, DivergenceGroup>()
  for (const outcome of run.recordings) {
    const identity = identityOf(outcome)
    if (identity === undefined) continue
    let group = groups.get(identity.text)
    if (group === undefined) {
      group = newGroup(outcome, identity, examplePaths)
      groups.set(identity.text, group)
    } else group.count++
    if (group.recordingIds.length < maxIds) group.recordingIds.push(outcome.recordingId)
  }
  // Array.prototype.sort is stable and the Map keeps insertion order: ties stay in order of first appearance.
  return [...groups.values()].sort((a, b) => b.count - a.count)
}

function identityOf(outcome: RecordingOutcome): Identity | undefined {
  const result = outcome.result
  if (result.kind === 'failed') {
    const { code, message } = failureOf(result.error, outcome.recordingId)
    return { text: `failed\u0000${result.variant}\u0000${code}\u0000${message}`, signature: '' }
  }
  const divergence = result.comparison.divergence
  if (divergence.kind === 'none') return undefined
  const signature = signatureText(divergence.paths)
  const place =
    divergence.kind === 'stage'
      ? `stage\u0000${divergence.culprit}\u0000${divergence.checkpoint ?? ''}`
      : `external\u0000${divergence.source}\u0000${divergence.stage}`
  return { text: `${place}\u0000${signature}`, signature }
}

/** The code and generalized message of a failed replay's error. */
function failureOf(error: SerializedError, recordingId: string): { code: string; message: string } {
  return { code: error.code ?? error.name, message: generalizeMessage(error.message, recordingId) }
}

/**
 * The signature as one string: `path<TAB>op` lines, generalized, deduplicated and sorted by code unit (so by
 * path, then op). A printed path never holds a raw tab: keys that do are JSON-quoted with `\t`.
 */
function signatureText(paths: readonly ChangedPath[]): string {
  const lines = new Set<string>()
  for (const change of paths) lines.add(`${generalizePath(change.path)}\t${change.op}`)
  return [...lines].sort().join('\n')
}

function signatureEntries(text: string): SignatureEntry[] {
  if (text === '') return []
  return text.split('\n').map((line) => {
    const tab = line.lastIndexOf('\t')
    return { op: line.slice(tab + 1) as ChangedPath['op'], path: line.slice(0, tab) }
  })
}

/** A short digest of the identity, so keys stay short whatever the signature's length. */
function digestOf(identity: Identity): string {
  return createHash('sha256').update(identity.text).digest('hex').slice(0, 10)
}

/** The group an outcome starts, with the outcome as its example (its id is added by the caller). */
function newGroup(outcome: RecordingOutcome, identity: Identity, examplePaths: number): DivergenceGroup {
  const example: GroupExample = {
    recordingId: outcome.recordingId,
    route: outcome.route,
    replayKey: outcome.replayKey,
    paths: [],
    pathCount: 0,
    propagatedTo: [],
  }
  const digest = digestOf(identity)
  const result = outcome.result
  if (result.kind === 'failed') {
    const { code, message } = failureOf(result.error, outcome.recordingId)
    example.error = result.error
    const key = `failed:${result.variant}:${code}:${digest}`
    return {
      kind: 'failed',
      key,
      variant: result.variant,
      code,
      message,
      count: 1,
      recordingIds: [],
      example,
    }
  }
  const divergence = result.comparison.divergence
  if (divergence.kind === 'none') throw new Error('Failed to group a recording: its variants agree.')
  example.paths = divergence.paths.slice(0, examplePaths)
  example.pathCount = divergence.paths.length
  example.propagatedTo = divergence.propagatedTo
  const signature = signatureEntries(identity.signature)
  const fields = { count: 1, recordingIds: [], example, signature }
  if (divergence.kind === 'stage') {
    return {
      kind: 'stage',
      key: `stage:${divergence.checkpoint ?? divergence.culprit}:${digest}`,
      stage: divergence.culprit,
      ...(divergence.checkpoint !== undefined && { checkpoint: divergence.checkpoint }),
      ...fields,
    }
  }
  example.detail = divergence.detail
  return {
    kind: 'external',
    key: `external:${divergence.source}:${divergence.stage}:${digest}`,
    source: divergence.source,
    stage: divergence.stage,
    ...fields,
  }
}

/**
 * Where a group's recordings diverge, in words (unsanitized: renderers sanitize and escape it).
 * @example groupPlace(group) // 'decode', 'retrieve (probe scores)', 'retrieve (external: outbound requests)', 'replay failed under production'
 */
export function groupPlace(group: DivergenceGroup): string {
  if (group.kind === 'failed') return `replay failed under ${group.variant}`
  if (group.kind === 'external')
    return `${group.stage} (external: ${group.source === 'outbound' ? 'outbound requests' : 'input'})`
  if (group.checkpoint === undefined) return group.stage
  const probe = group.checkpoint.startsWith(`${group.stage}:`)
    ? group.checkpoint.slice(group.stage.length + 1)
    : group.checkpoint
  return `${group.stage} (probe ${probe})`
}
