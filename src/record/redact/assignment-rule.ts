/**
 * The `name = value` rule: in any text (`.env` files, YAML, logs, JS objects, query strings inside
 * prose, JSON the JSON scanner did not see), the value assigned to a secret body key name. It starts from
 * each `:` or `=` and looks back for the name, so a text without assignments costs one scan, and only a
 * secret name makes it read the value.
 */
import type { SecretNames } from './secret-names.ts'
import type { SecretSpan, TextRule } from './text-rule.ts'

/** What follows the operator: a double- or single-quoted string, or a bare value of 4+ characters. */
const VALUE =
  /[ \t]*(?:"((?:[^"\\\r\n]|\\.){1,4096})"|'((?:[^'\\\r\n]|\\.){1,4096})'|([^ \t\r\n"'&;,<>{}()[\]`#]{4,4096}))/dy

const EQUALS = 0x3d
const GREATER = 0x3e
const SPACE = 0x20
const TAB = 0x09
const QUOTE = 0x22
const APOSTROPHE = 0x27

/** Where `char` next occurs from `from`, or the text's length. */
function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from)
  return at === -1 ? text.length : at
}

function isNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    code === 0x2e ||
    code === 0x2d
  )
}

/**
 * The values of the Fetch API's `credentials` option (`fetch(url, { credentials: "omit" })`, in every
 * page that calls fetch): a mode, never a secret, quoted or not.
 */
const FETCH_CREDENTIALS = /^credentials$/i
const FETCH_CREDENTIALS_MODES = new Set(['omit', 'same-origin', 'include'])

/**
 * A bare value is a secret for an env-style name (`DB_PASSWORD=…`), and otherwise when it is neither
 * prose (`password: must be long`) nor code (`token = lexer.next()`, `apiKey = config.apiKey`).
 */
function acceptBare(name: string, operator: string, value: string, after: string | undefined): boolean {
  if (after === '(' || after === '[') return false
  if (operator !== ':' && /^[A-Z0-9_.-]+$/.test(name)) return true
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value)) return false
  return /[0-9]/.test(value) || /[^A-Za-z0-9._-]/.test(value) || value.length >= 16
}

/**
 * Finds `password=…`, `"api_key": "…"`, `token: …`, `secret => '…'` where the name is a secret body key.
 * @example assignmentRule.find('DB_PASSWORD=hunter22', names) // [{ start: 12, end: 20, rule: 'secret-assignment', … }]
 */
export const assignmentRule: TextRule = {
  name: 'secret-assignment',
  find(text: string, names: SecretNames): SecretSpan[] {
    const spans: SecretSpan[] = []
    const n = text.length
    // The next `:` and `=` (the text's length when there is none), walked in order.
    let colon = indexOrEnd(text, ':', 0)
    let equals = indexOrEnd(text, '=', 0)
    while (colon < n || equals < n) {
      const at = colon < equals ? colon : equals
      if (at === colon) colon = indexOrEnd(text, ':', at + 1)
      else equals = indexOrEnd(text, '=', at + 1)
      let operator = text[at]!
      if (operator === '=') {
        const before = text.charCodeAt(at - 1)
        const after = text.charCodeAt(at + 1)
        if (before === EQUALS || after === EQUALS) continue // a comparison
        if (after === GREATER) operator = '=>'
      }
      let j = at - 1
      while (j >= 0 && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB)) j--
      if (text.charCodeAt(j) === QUOTE || text.charCodeAt(j) === APOSTROPHE) j--
      const nameEnd = j + 1
      while (j >= 0 && nameEnd - j <= 82 && isNameChar(text.charCodeAt(j))) j--
      const nameStart = j + 1
      const first = text.charCodeAt(nameStart)
      if (nameEnd <= nameStart || (j >= 0 && isNameChar(text.charCodeAt(j)))) continue
      if (!((first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a) || first === 0x5f)) continue
      // `scheme://user:password@host`: the user of a URL, whose password is the connection-string rule's.
      if (operator === ':' && text.startsWith('//', nameStart - 2)) continue
      const name = text.slice(nameStart, nameEnd)
      if (!names.bodyKey(name)) continue
      VALUE.lastIndex = at + operator.length
      const value = VALUE.exec(text)
      if (value === null) continue
      const group = value[1] !== undefined ? 1 : value[2] !== undefined ? 2 : 3
      const [start, end] = value.indices![group]!
      if (group === 3 && !acceptBare(name, operator, value[3]!, text[end])) continue
      if (FETCH_CREDENTIALS.test(name) && FETCH_CREDENTIALS_MODES.has(value[group]!)) continue
      spans.push({ start, end, rule: 'secret-assignment', urlSafe: false })
      colon = indexOrEnd(text, ':', end)
      equals = indexOrEnd(text, '=', end)
    }
    return spans
  },
}
