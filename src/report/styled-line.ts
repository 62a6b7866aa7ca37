/**
 * Terminal lines as styled spans, cut to the terminal width before colour is applied, so truncation never
 * splits an escape sequence and plain text is exactly the coloured text minus its colours.
 */
import { createColors } from 'picocolors'

/** The styles the terminal report uses; each maps to a picocolors function. */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta'

/** A run of text with optional styles. Text must already be sanitized. */
export interface Span {
  text: string
  styles: readonly Style[]
}

/** One line of output; a string is an unstyled span. */
export type Line = ReadonlyArray<Span | string>

/** A line that is never cut, such as a replay command that must stay pasteable; the terminal soft-wraps it. */
export interface UncutLine {
  uncut: Line
}

/**
 * A span of `text` with `styles`.
 * @example span('✗', 'red', 'bold')
 */
export function span(text: string, ...styles: Style[]): Span {
  return { text, styles }
}

/** Display width of `text`, counting code points (the report's symbols are all one column wide). */
export function textWidth(text: string): number {
  let width = 0
  for (const _ of text) width++
  return width
}

/**
 * Pads `text` with spaces to `width` columns.
 * @example padEnd('ab', 4) // 'ab  '
 */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - textWidth(text)))
}

/**
 * Renders lines to text: each cut to `width` columns with a trailing `…` (when `truncate`), then painted.
 * @example paintLines([[span('ok', 'green')]], { color: false, width: 80 }) // 'ok\n'
 */
export function paintLines(
  lines: ReadonlyArray<Line | UncutLine>,
  options: { color: boolean; width: number },
): string {
  const colors = createColors(options.color)
  const paint = (item: Span | string): string => {
    if (typeof item === 'string') return item
    return item.styles.reduce((text, style) => colors[style](text), item.text)
  }
  const width = Math.max(20, Math.floor(options.width))
  const render = (line: Line | UncutLine): string => {
    const items = 'uncut' in line ? trimLine(line.uncut) : fitLine(trimLine(line), width)
    return items.map(paint).join('')
  }
  return lines.map(render).join('\n') + '\n'
}

/** Drops trailing blanks, so column padding never counts against the width. */
function trimLine(line: Line): Array<Span | string> {
  const items = [...line]
  while (items.length > 0) {
    const last = items[items.length - 1]!
    const text = typeof last === 'string' ? last : last.text
    const trimmed = text.trimEnd()
    if (trimmed === text) break
    if (trimmed === '') {
      items.pop()
      continue
    }
    items[items.length - 1] = typeof last === 'string' ? trimmed : { text: trimmed, styles: last.styles }
    break
  }
  return items
}

function fitLine(line: Line, width: number): Array<Span | string> {
  const out: Array<Span | string> = []
  let used = 0
  for (const item of line) {
    const text = typeof item === 'string' ? item : item.text
    const size = textWidth(text)
    if (used + size <= width) {
      out.push(item)
      used += size
      continue
    }
    const room = width - used - 1
    const kept = room > 0 ? Array.from(text).slice(0, room).join('') : ''
    out.push(typeof item === 'string' ? kept : { text: kept, styles: item.styles })
    out.push('…')
    return out
  }
  return out
}

/**
 * Word-wraps prose (an error message, a hint, a divergence detail) to `width` columns, each line starting
 * with `indent`, the first with `first` after it (`hang` aligns the others under the text); a word longer
 * than a line is split across lines, never lost.
 * @example wrapText('a b c', { indent: '  ', width: 5 }) // [['  ', 'a b'], ['  ', 'c']]
 */
export function wrapText(
  text: string,
  options: { indent: string; width: number; first?: Line; style?: Style[]; hang?: boolean },
): Line[] {
  const lines: Line[] = []
  const lead = options.first ?? []
  const leadWidth = lead.reduce(
    (sum, item) => sum + textWidth(typeof item === 'string' ? item : item.text),
    0,
  )
  // A hanging indent aligns continuation lines under the text, past a short lead such as '! '.
  const rest = options.hang ? options.indent + ' '.repeat(leadWidth) : options.indent
  const room = (index: number) =>
    Math.max(10, options.width - (index === 0 ? textWidth(options.indent) + leadWidth : textWidth(rest)))
  let current = ''
  const flush = () => {
    const body = options.style ? span(current, ...options.style) : current
    lines.push(lines.length === 0 ? [options.indent, ...lead, body] : [rest, body])
    current = ''
  }
  for (let word of text.split(' ')) {
    while (textWidth(word) > room(lines.length)) {
      if (current !== '') flush()
      const chars = Array.from(word)
      current = chars.slice(0, room(lines.length)).join('')
      word = chars.slice(room(lines.length)).join('')
      flush()
    }
    const next = current === '' ? word : `${current} ${word}`
    if (textWidth(next) > room(lines.length)) {
      flush()
      current = word
    } else {
      current = next
    }
  }
  if (current !== '' || lines.length === 0) flush()
  return lines
}
