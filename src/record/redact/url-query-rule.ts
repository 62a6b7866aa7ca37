/**
 * The `url-query-secret` rule: in any text (a JSON string, HTML, a log line, a header, a decoded query
 * value), the values of secret-named parameters of URLs, absolute (`https://h/cb?token=…`) or relative
 * (`/search?api_key=…`, the URL an upstream echoes, or one decoded out of another URL's query). A
 * parameter is a `name=value` right after a `?`, `&` or `#` of a run that holds a `?` or `#`; a value
 * ends at `&`, `#` or the end of the run. Names are compared percent-decoded (`api%5Fkey`).
 */
import { percentDecode } from './percent-codec.ts'
import type { SecretNames } from './secret-names.ts'
import type { SecretSpan, TextRule } from './text-rule.ts'

/** The bytes that end a URL in text: whitespace, quotes, `<>`, `\`, backtick, `{}`, `|`, `^`. */
const STOP = new Uint8Array(256)
for (const char of ' \t\r\n"\'<>\\`{}|^') STOP[char.charCodeAt(0)] = 1

const QUESTION = 0x3f
const AMPERSAND = 0x26
const HASH = 0x23
const EQUALS = 0x3d

/** Where `char` next occurs from `from`, or the text's length. */
function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from)
  return at === -1 ? text.length : at
}

/**
 * Finds the values of secret-named query and fragment parameters of the URLs in a text.
 * @example urlQueryRule.find('GET /search?api_key=k1&q=x', names) // [{ start: 20, end: 22, rule: 'url-query-secret', urlSafe: true }]
 */
export const urlQueryRule: TextRule = {
  name: 'url-query-secret',
  find(text: string, names: SecretNames): SecretSpan[] {
    const spans: SecretSpan[] = []
    const n = text.length
    // The next `?` and `#` (the text's length when there is none), kept up to date: no search runs twice.
    let question = indexOrEnd(text, '?', 0)
    let hash = indexOrEnd(text, '#', 0)
    while (question < n || hash < n) {
      const at = question < hash ? question : hash
      let end = at + 1
      while (end < n && STOP[text.charCodeAt(end)] !== 1) end++
      // Every `?`, `&` and `#` from the first one on may start a parameter: one per separator, so a URL
      // nested unencoded in a value (`?next=/a?token=…`) is read too. `valueEnd` is the next `&` or `#`.
      let valueEnd = at
      for (let sep = at; sep < end; sep++) {
        const c = text.charCodeAt(sep)
        if (c !== QUESTION && c !== AMPERSAND && c !== HASH) continue
        let equals = sep + 1
        while (equals < end) {
          const e = text.charCodeAt(equals)
          if (e === EQUALS || e === QUESTION || e === AMPERSAND || e === HASH) break
          equals++
        }
        if (equals >= end || text.charCodeAt(equals) !== EQUALS || equals === sep + 1) continue
        if (valueEnd <= equals) {
          valueEnd = equals + 1
          while (valueEnd < end) {
            const v = text.charCodeAt(valueEnd)
            if (v === AMPERSAND || v === HASH) break
            valueEnd++
          }
        }
        if (valueEnd > equals + 1 && names.query(percentDecode(text.slice(sep + 1, equals), true))) {
          spans.push({ start: equals + 1, end: valueEnd, rule: 'url-query-secret', urlSafe: true })
        }
      }
      if (question < end) question = indexOrEnd(text, '?', end)
      if (hash < end) hash = indexOrEnd(text, '#', end)
    }
    return spans
  },
}
