/**
 * Small helpers for reporting what is wrong with a HAR value.
 */
import type { z } from 'zod'
import { describeFirstIssue } from '../schema.ts'

/**
 * Why `value` fails `schema`, as `<field> <problem>` (`response.status is missing (expected number)`).
 * @example issueText(harEntrySchema, {}) // 'startedDateTime is missing (expected string)'
 */
export function issueText(schema: z.ZodType, value: unknown): string {
  const issue = describeFirstIssue(schema, value)
  if (issue === undefined) return 'it is invalid'
  return `${issue.field === 'the line' ? 'it' : issue.field} ${issue.problem}`
}

/**
 * True when objects and arrays nest deeper than `maxDepth` inside `value`, measured without recursion;
 * each object is visited once, so shared or cyclic references cannot make it loop.
 * @example nestsDeeperThan([[[]]], 2) // true
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const seen = new WeakSet<object>()
  const stack: Array<[unknown, number]> = [[value, 1]]
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!
    if (typeof item !== 'object' || item === null || seen.has(item)) continue
    if (depth > maxDepth) return true
    seen.add(item)
    for (const child of Object.values(item)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1])
    }
  }
  return false
}
