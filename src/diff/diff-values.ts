/**
 * The changed paths between two JSON values: jsondiffpatch's delta (items of arrays matched by identity
 * field or position, moves detected, strings replaced whole) flattened into named operations.
 */
import { computeDelta, type DiffJsonOptions } from './compute-delta.ts'
import { flattenDelta } from './flatten-delta.ts'
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
