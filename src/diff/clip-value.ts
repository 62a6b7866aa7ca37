/**
 * Short forms of before/after values for reporters. Changed paths keep their full values; a terminal line
 * or a JUnit message should not print a 10 MB array, so reporters clip at render time.
 */

/** Default budget, in characters, of a clipped value. */
export const DEFAULT_CLIP_CHARS = 200

/**
 * Clips `value` for display: a string longer than `maxChars` is cut with a `…(+N chars)` marker; an object
 * or array whose JSON exceeds `maxChars` becomes a string of the start of its JSON and a summary marker;
 * anything smaller is returned as is. Serializes at most about `maxChars` characters, whatever the value's size.
 * @example clipValue('x'.repeat(250), 10) // 'xxxxxxxxxx…(+240 chars)'
 * @example clipValue(Array.from({ length: 1000 }, (_, i) => i), 12) // '[0,1,2,3,4,5…(array of 1000 items)'
 */
export function clipValue(value: unknown, maxChars = DEFAULT_CLIP_CHARS): unknown {
  if (typeof value === 'string') return clipString(value, maxChars)
  if (typeof value !== 'object' || value === null) return value
  const preview = boundedJson(value, maxChars)
  if (preview.complete) return value
  const summary = Array.isArray(value)
    ? `array of ${plural(value.length, 'item')}`
    : `object with ${plural(Object.keys(value).length, 'key')}`
  return `${preview.text}…(${summary})`
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function clipString(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value
  let end = Math.max(0, maxChars)
  // Never cut a surrogate pair in half.
  const last = value.charCodeAt(end - 1)
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--
  return `${value.slice(0, end)}…(+${value.length - end} chars)`
}

/** The JSON of `value` up to `limit` characters, stopping early instead of serializing everything. */
function boundedJson(value: unknown, limit: number): { text: string; complete: boolean } {
  const parts: string[] = []
  let length = 0
  const emit = (part: string): boolean => {
    parts.push(part)
    length += part.length
    return length <= limit
  }
  const write = (node: unknown): boolean => {
    if (typeof node === 'string' && node.length > limit) {
      emit(JSON.stringify(node.slice(0, limit)))
      return false
    }
    if (typeof node !== 'object' || node === null) return emit(JSON.stringify(node) ?? 'null')
    if (Array.isArray(node)) {
      if (!emit('[')) return false
      for (let index = 0; index < node.length; index++) {
        if (index > 0 && !emit(',')) return false
        if (!write(node[index])) return false
      }
      return emit(']')
    }
    if (!emit('{')) return false
    let first = true
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue
      if (!first && !emit(',')) return false
      first = false
      if (!emit(`${JSON.stringify(key)}:`)) return false
      if (!write((node as Record<string, unknown>)[key])) return false
    }
    return emit('}')
  }
  const complete = write(value)
  const text = parts.join('')
  return { text: complete ? text : text.slice(0, limit), complete }
}
