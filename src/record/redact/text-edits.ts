/**
 * Span edits: redaction replaces pieces of a text in place rather than parsing and re-serializing it,
 * so formatting, key order and every byte around a secret stay as they were. Edits also move positions
 * (chunk boundaries) from the original text to the redacted one.
 */

/**
 * Replace [start, end) of a text by `text`. Edit lists are sorted and never overlap.
 * @example applyEdits('a=secret', [{ start: 2, end: 8, text: '[redacted:…]' }]) // 'a=[redacted:…]'
 */
export interface TextEdit {
  start: number
  end: number
  text: string
}

/**
 * Applies sorted, non-overlapping edits.
 * @example applyEdits('hello', [{ start: 0, end: 1, text: 'J' }]) // 'Jello'
 */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return source
  let out = ''
  let at = 0
  for (const edit of edits) {
    out += source.slice(at, edit.start) + edit.text
    at = edit.end
  }
  return out + source.slice(at)
}

/**
 * Where a position of the original text lands in the edited one; a position inside an edited span moves
 * to the end of its replacement, so the piece holding a secret's start receives the whole placeholder.
 * @example mapPosition([{ start: 2, end: 8, text: 'xx' }], 5) // 4
 */
export function mapPosition(edits: readonly TextEdit[], position: number): number {
  let delta = 0
  for (const edit of edits) {
    if (position <= edit.start) break
    if (position < edit.end) return edit.start + delta + edit.text.length
    delta += edit.text.length - (edit.end - edit.start)
  }
  return position + delta
}

/**
 * Maps a position through several rounds of edits, each made on the previous round's result.
 * @example mapThrough([firstPass, secondPass], 120)
 */
export function mapThrough(passes: readonly (readonly TextEdit[])[], position: number): number {
  let at = position
  for (const edits of passes) at = mapPosition(edits, at)
  return at
}
