/**
 * Path patterns of noise rules, matched against the paths of changed values (`$.context[3].text`).
 *
 * A pattern is a path with wildcards: `$` the root, `.name` or `["any key"]` a key, `[3]` an index,
 * `.*` any one key, `[*]` any one index, and `**` any number of keys and indexes (none included). A
 * pattern that does not start with `$` or `**` is anchored anywhere: `timestamp` means `**.timestamp`.
 * @example compilePathPattern('**.timestamp').matches(parsePath('$.meta.timestamp')) // true
 */
import { ParallaxError } from '../recording/errors.ts'

/** One step of a path: a key or an array index. */
export type PathSegment = string | number

type Token =
  | { kind: 'key'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'any-key' }
  | { kind: 'any-index' }
  | { kind: 'deep' }

/**
 * A compiled pattern.
 * @example const pattern = compilePathPattern('$.items[*].id'); pattern.matches(['items', 0, 'id']) // true
 */
export interface PathPattern {
  /** The pattern as written. */
  source: string
  /** True when the pattern matches the whole path. */
  matches(path: readonly PathSegment[]): boolean
  /** True when the pattern matches the path or one of its ancestors (a rule on `$.meta` covers `$.meta.id`). */
  covers(path: readonly PathSegment[]): boolean
}

const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$-]*/y

/**
 * Compiles a path pattern; throws PARALLAX_USAGE naming `where` when it is malformed.
 * @example compilePathPattern('$.headers["x-request-id"]', 'noise.ignore[0]')
 */
export function compilePathPattern(source: string, where = 'path pattern'): PathPattern {
  const tokens = tokenize(source, where)
  return {
    source,
    matches: (path) => matchFrom(tokens, 0, path, 0, false),
    covers: (path) => matchFrom(tokens, 0, path, 0, true),
  }
}

/**
 * Splits a changed path (as {@link ../diff/json-path.ts} writes them) into its segments.
 * @example parsePath('$.context[3]["odd key"]') // ['context', 3, 'odd key']
 */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = []
  let at = path.startsWith('$') ? 1 : 0
  while (at < path.length) {
    if (path[at] === '.') {
      IDENTIFIER.lastIndex = at + 1
      const name = IDENTIFIER.exec(path)?.[0] ?? ''
      segments.push(name)
      at += 1 + name.length
    } else if (path[at] === '[') {
      const { segment, end } = readBracket(path, at)
      segments.push(segment)
      at = end
    } else {
      // Not a path this module writes: keep the rest as one key rather than guess.
      segments.push(path.slice(at))
      break
    }
  }
  return segments
}

function tokenize(source: string, where: string): Token[] {
  const invalid = (reason: string) =>
    new ParallaxError(
      'PARALLAX_USAGE',
      `Invalid path pattern ${JSON.stringify(source)} at ${where}: ${reason}.`,
      {
        hint: 'Write paths like $.meta.requestId, **.timestamp, $.items[*].id or $.headers["x-request-id"].',
      },
    )
  const trimmed = source.trim()
  if (trimmed === '') throw invalid('it is empty')
  // Where the character at `at` of the trimmed pattern is in the pattern as written, counted from 1.
  const character = (at: number) => source.length - source.trimStart().length + at + 1
  const tokens: Token[] = []
  let at = 0
  if (trimmed.startsWith('$')) at = 1
  else if (!trimmed.startsWith('**')) tokens.push({ kind: 'deep' })
  let expectSeparator = at === 1
  while (at < trimmed.length) {
    const rest = trimmed.slice(at)
    if (rest.startsWith('**')) {
      // `**.**` is one `**`: consecutive ones would only multiply the ways to match.
      if (tokens.at(-1)?.kind !== 'deep') tokens.push({ kind: 'deep' })
      at += 2
      expectSeparator = true
      continue
    }
    if (rest[0] === '.') {
      at++
      if (trimmed.startsWith('**', at)) continue
      if (trimmed[at] === '*') {
        tokens.push({ kind: 'any-key' })
        at++
        continue
      }
      IDENTIFIER.lastIndex = at
      const name = IDENTIFIER.exec(trimmed)?.[0]
      if (name === undefined)
        throw invalid(`a key is missing after the dot at character ${character(at - 1)}`)
      tokens.push({ kind: 'key', name })
      at += name.length
      continue
    }
    if (rest[0] === '[') {
      if (rest.startsWith('[*]')) {
        tokens.push({ kind: 'any-index' })
        at += 3
        continue
      }
      let bracket: { segment: PathSegment; end: number }
      try {
        bracket = readBracket(trimmed, at)
      } catch {
        throw invalid(`the bracket at character ${character(at)} is not an index, [*] or a quoted key`)
      }
      tokens.push(
        typeof bracket.segment === 'number'
          ? { kind: 'index', index: bracket.segment }
          : { kind: 'key', name: bracket.segment },
      )
      at = bracket.end
      continue
    }
    if (!expectSeparator && tokens.length > 0 && tokens.at(-1)!.kind === 'deep') {
      // `**name` right after the implicit `**` of an unanchored pattern, or `timestamp` alone.
      IDENTIFIER.lastIndex = at
      const name = rest[0] === '*' ? '*' : IDENTIFIER.exec(trimmed)?.[0]
      if (name === undefined)
        throw invalid(`unexpected ${JSON.stringify(rest[0])} at character ${character(at)}`)
      tokens.push(name === '*' ? { kind: 'any-key' } : { kind: 'key', name })
      at += name.length
      expectSeparator = true
      continue
    }
    throw invalid(`unexpected ${JSON.stringify(rest[0])} at character ${character(at)}`)
  }
  return tokens
}

function readBracket(text: string, at: number): { segment: PathSegment; end: number } {
  const close = text[at + 1] === '"' ? closingQuote(text, at + 1) : text.indexOf(']', at)
  if (close === -1) throw new SyntaxError('unclosed bracket')
  if (text[at + 1] === '"') {
    if (text[close + 1] !== ']') throw new SyntaxError('expected ]')
    return { segment: JSON.parse(text.slice(at + 1, close + 1)) as string, end: close + 2 }
  }
  const inner = text.slice(at + 1, close)
  if (!/^\d+$/.test(inner)) throw new SyntaxError('not an index')
  return { segment: Number(inner), end: close + 1 }
}

/** The index of the quote closing the JSON string that opens at `open`. */
function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '"') return i
  }
  return -1
}

function matchFrom(
  tokens: readonly Token[],
  t: number,
  path: readonly PathSegment[],
  p: number,
  prefix: boolean,
): boolean {
  if (t === tokens.length) return prefix || p === path.length
  const token = tokens[t]!
  if (token.kind === 'deep') {
    for (let skip = p; skip <= path.length; skip++)
      if (matchFrom(tokens, t + 1, path, skip, prefix)) return true
    return false
  }
  if (p === path.length) return false
  const segment = path[p]!
  const fits =
    token.kind === 'key'
      ? segment === token.name
      : token.kind === 'index'
        ? segment === token.index
        : token.kind === 'any-key'
          ? typeof segment === 'string'
          : typeof segment === 'number'
  return fits && matchFrom(tokens, t + 1, path, p + 1, prefix)
}
