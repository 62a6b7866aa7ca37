/**
 * Readable JSONPath-like paths for changed values: `$`, `$.context[3].text`, `$["key with space"]`.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/**
 * The path of `key` under `parent`: a dot for identifiers, a JSON-quoted bracket for any other key
 * (and for `__proto__`, so that a path never reads like a prototype access).
 * @example childPath('$', 'key with space') // '$["key with space"]'
 */
export function childPath(parent: string, key: string): string {
  return IDENTIFIER.test(key) && key !== '__proto__'
    ? `${parent}.${key}`
    : `${parent}[${JSON.stringify(key)}]`
}

/**
 * The path of item `index` of the array at `parent`.
 * @example indexPath('$.context', 3) // '$.context[3]'
 */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`
}
