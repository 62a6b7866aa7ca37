/**
 * The changed paths between two JSON values: jsondiffpatch's delta (items of arrays matched by identity
 * field or position, moves detected, strings replaced whole) flattened into named operations.
 */
import { computeDelta, type DiffJsonOptions } from './compute-delta.ts'
import { flattenDelta } from './flatten-delta.ts'
import { computeTextDelta } from './text-delta.ts'
import type { ChangedPath } from './types.ts'

export type { DiffJsonOptions } from './compute-delta.ts'

/**
 * Lists what changed from `left` to `right`, in document order; empty when they are equal.
 * @example
 * diffJson({ context: [{ id: 'a', text: 'x' }] }, { context: [{ id: 'b' }, { id: 'a', text: 'y' }] })
 * // [{ op: 'add', path: '$.context[0]', after: { id: 'b' } },
 * //  { op: 'replace', path: '$.context[1].text', before: 'x', after: 'y' }]
 */
export function diffJson(left: unknown, right: unknown, options: DiffJsonOptions = {}): ChangedPath[] {
  return flattenDelta(computeDelta(left, right, options))
}

/**
 * Lists what changed between the values two JSON texts hold, as `diffJson` of the parsed values would,
 * parsing only the parts whose text differs (text-delta.ts; any JSON, canonical or not). Paths start
 * at `root`. Throws a SyntaxError when a part it parses is not JSON; parts whose text is the same on
 * both sides are not checked.
 * @example diffJsonTexts('{"id":"a","items":[1,2]}', '{"id":"b","items":[1,2]}', {}, '$.body')
 * // [{ op: 'replace', path: '$.body.id', before: 'a', after: 'b' }]
 */
export function diffJsonTexts(
  left: string,
  right: string,
  options: DiffJsonOptions = {},
  root = '$',
): ChangedPath[] {
  return flattenDelta(computeTextDelta(left, right, options, 0), root)
}
