/**
 * A count with its noun, singular for exactly one: `1 request`, `0 requests`, `3 entries`.
 * @example plural(1, 'request') // '1 request'
 * @example plural(2, 'entry', 'entries') // '2 entries'
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}
