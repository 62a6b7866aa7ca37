/**
 * Making recorded text safe to print. Recording ids, routes, paths, values and error messages come from
 * production traffic: a recorded `\x1b]8;;…` hyperlink, `\x1b[2J` clear-screen or `\u202e` bidi override
 * would otherwise reach the reader's terminal raw and rewrite what the report says.
 */

const NAMED: Record<string, string> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
}

/**
 * Characters that control the terminal or hide themselves: C0 and C1 controls, DEL, bidi embeddings,
 * overrides and isolates, zero-width characters, line/paragraph separators, interlinear annotations, the
 * BOM, U+FFFD (so a decoding error is unmistakable) and lone surrogates.
 */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

function escapeChar(char: string): string {
  const named = NAMED[char]
  if (named) return named
  const code = char.charCodeAt(0)
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * Replaces every control, invisible or direction-changing character by a visible escape (`\x1b`, `\r`,
 * `\u202e`, `\ufffd`), so the text prints on one line exactly as it reads.
 * @example sanitizeText('id\x1b[2J\r') // 'id\\x1b[2J\\r'
 */
export function sanitizeText(text: string): string {
  return text.replace(UNSAFE, escapeChar)
}

/**
 * Quotes a recorded string for display like a JSON string literal (backslashes and quotes escaped), with
 * every unsafe character escaped as {@link sanitizeText} does, so `"a\\x1b"` and `"a\x1b"` stay distinct.
 * @example quoteText('say "hi"\x07') // '"say \\"hi\\"\\x07"'
 */
export function quoteText(text: string): string {
  return `"${sanitizeText(text.replace(/[\\"]/g, (char) => `\\${char}`))}"`
}
