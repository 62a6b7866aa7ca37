/**
 * The jsondiffpatch instance parallax diffs with: array items matched by identity field or position (never
 * an LCS over whole-object equality), text diffs off so a changed string is simply replaced.
 */
import { type DiffContext, DiffPatcher, type Filter } from 'jsondiffpatch'
import { createItemIdentity, DEFAULT_IDENTITY_KEYS } from './item-identity.ts'

export interface JsonDiffPatcherOptions {
  /** Fields that identify an object inside an array, tried in order. Default `id`, `key`, `name`, `uuid`. */
  identityKeys?: readonly string[]
}

/**
 * Replaces jsondiffpatch's `texts` filter: a changed string is a plain replace whatever its length, even when
 * another module of the process loaded `jsondiffpatch/with-text-diffs` (its diff-match-patch is cached globally).
 */
const replaceStrings: Filter<DiffContext> = Object.assign(
  (context: DiffContext) => {
    if (context.leftType === 'string') context.setResult([context.left, context.right]).exit()
  },
  { filterName: 'texts' },
)

/**
 * Creates a jsondiffpatch `DiffPatcher` configured the parallax way (identity-field `objectHash`, moves
 * detected with the moved item in the delta, text diffs off).
 * @example
 * const delta = createJsonDiffPatcher().diff([{ id: 'b' }], [{ id: 'a' }, { id: 'b' }]) // { 0: [{ id: 'a' }], _t: 'a' }
 */
export function createJsonDiffPatcher(options: JsonDiffPatcherOptions = {}): DiffPatcher {
  const identity = createItemIdentity(options.identityKeys ?? DEFAULT_IDENTITY_KEYS)
  const patcher = new DiffPatcher({
    objectHash: (item, index) => identity.objectHash(item, index),
    // The moved item is kept in the delta: reports show what moved, not only where to.
    arrays: { detectMove: true, includeValueOnMove: true },
  })
  patcher.processor.pipes.diff.replace('texts', replaceStrings)
  return patcher
}
