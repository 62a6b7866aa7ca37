/**
 * Escaping for the HTML report. Every string that comes from a run (recording ids, routes, paths, values,
 * error messages, stage and variant names) is untrusted production data: it passes through
 * {@link sanitizeText} (no control, bidi or invisible characters reach the page) and then through
 * {@link escapeHtml}, which makes it inert in element text and in double- or single-quoted attributes.
 */
import { sanitizeText } from '../sanitize-text.ts'

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/**
 * Escapes the five characters that matter in HTML text and quoted attribute values.
 * @example escapeHtml('<img src=x onerror="alert(1)">') // '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!)
}

/**
 * Recorded text made safe for one line of HTML text or an attribute: controls shown as escapes, then escaped.
 * @example safeText('id\x1b[2J<b>') // 'id\\x1b[2J&lt;b&gt;'
 */
export function safeText(text: string): string {
  return escapeHtml(sanitizeText(text))
}

/**
 * Like {@link safeText} for a block shown in `<pre>`: line breaks are kept, every other control is escaped.
 * @example safeBlock('a\nb\x07') // 'a\nb\\x07'
 */
export function safeBlock(text: string): string {
  return text
    .split('\n')
    .map((line) => safeText(line))
    .join('\n')
}

/**
 * Cuts `text` to at most `max` characters without splitting a surrogate pair, marking what was cut.
 * @example clipBlock('abcdef', 3) // 'abc\n…(+3 chars)'
 */
export function clipBlock(text: string, max: number): string {
  if (text.length <= max) return text
  const end = endBefore(text, max)
  return `${text.slice(0, end)}\n…(+${text.length - end} chars)`
}

/**
 * The largest index at or below `index` that does not fall between the two halves of a surrogate pair.
 * @example endBefore('a😀', 2) // 1
 */
export function endBefore(text: string, index: number): number {
  const code = text.charCodeAt(index - 1)
  return index > 0 && index < text.length && code >= 0xd800 && code <= 0xdbff ? index - 1 : index
}
