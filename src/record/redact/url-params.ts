/**
 * The `name=value` pairs of a query string, URL fragment or form body, as positions in the text, so a
 * value can be replaced without touching anything else.
 */
import { percentDecode } from './percent-codec.ts'

/**
 * One pair: its decoded name and where its raw value sits.
 * @example const { name, valueStart, valueEnd } = pairs[0]!
 */
export interface UrlParam {
  /** The percent-decoded name (`+` read as a space). */
  name: string
  valueStart: number
  valueEnd: number
}

/**
 * The pairs of `text` between `start` and `end` (split on `&`; a pair without `=` is skipped).
 * @example urlParams('a=1&token=x', 0, 11) // [{ name: 'a', valueStart: 2, valueEnd: 3 }, { name: 'token', … }]
 */
export function urlParams(text: string, start: number, end: number): UrlParam[] {
  const params: UrlParam[] = []
  let at = start
  while (at <= end) {
    let stop = text.indexOf('&', at)
    if (stop === -1 || stop > end) stop = end
    const equals = text.indexOf('=', at)
    if (equals !== -1 && equals < stop) {
      params.push({
        name: percentDecode(text.slice(at, equals), true),
        valueStart: equals + 1,
        valueEnd: stop,
      })
    }
    at = stop + 1
  }
  return params
}
