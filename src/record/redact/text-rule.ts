/**
 * A text rule finds secrets in free text: a regular expression (the whole match, or one capture group,
 * is the secret), or a finder function for rules that need structure (URLs inside text).
 */
import { ParallaxError } from '../../recording/errors.ts'
import type { SecretNames } from './secret-names.ts'

/**
 * Where a secret sits in a text: [start, end), which rule found it, and whether its placeholder must be
 * percent-encoded (inside a URL or a connection string).
 * @example const span: SecretSpan = { start: 4, end: 40, rule: 'jwt', urlSafe: false }
 */
export interface SecretSpan {
  start: number
  end: number
  rule: string
  urlSafe: boolean
}

/**
 * A named way of finding secrets in text.
 * @example rules.flatMap((rule) => [...rule.find(text, names)])
 */
export interface TextRule {
  readonly name: string
  /** Literals of which one must occur in a text for the rule to find anything (a cheap pre-test). */
  readonly literals?: readonly string[] | undefined
  find(text: string, names: SecretNames): SecretSpan[]
}

/**
 * A text rule given as a pattern: the secret is the whole match or the capture group `group`.
 * @example const rule: TextPattern = { name: 'acme-key', pattern: /acme_[a-z0-9]{32}/ }
 */
export interface TextPattern {
  name: string
  /** A RegExp or its source; the `g` flag is added. */
  pattern: RegExp | string
  /** The capture group holding the secret (index or name); default the whole match. */
  group?: number | string
  /** Percent-encode the placeholder (the secret sits inside a URL). */
  urlSafe?: boolean
}

interface RegexRuleOptions {
  /** The capture group holding the secret, or several alternatives (the first that took part in the match). */
  group?: number | string | readonly number[] | undefined
  urlSafe?: boolean | undefined
  /** Rejects a match: the secret does not look like one (a prose word after "Bearer"…). */
  accept?: (match: RegExpExecArray, names: SecretNames) => boolean
  /**
   * Literals of which one must occur for the expression to match at all: most texts hold none of a rule's
   * literals, and looking for them (see {@link literalGate}) is much cheaper than running the expression.
   */
  hint?: readonly string[] | undefined
}

/**
 * Builds a text rule from a regular expression.
 * @example regexRule('github-token', /\bghp_[A-Za-z0-9]{36}\b/)
 */
export function regexRule(name: string, pattern: RegExp, options: RegexRuleOptions = {}): TextRule {
  const flags = new Set(pattern.flags.replace(/[gy]/g, ''))
  flags.add('g')
  if (options.group !== undefined) flags.add('d')
  const regex = new RegExp(pattern.source, [...flags].join(''))
  const { group, accept, hint } = options
  const urlSafe = options.urlSafe ?? false
  return {
    name,
    literals: hint,
    find(text, names) {
      const spans: SecretSpan[] = []
      regex.lastIndex = 0
      for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
        if (m[0].length === 0) {
          regex.lastIndex++
          continue
        }
        if (accept !== undefined && !accept(m, names)) continue
        const where: [number, number] | undefined =
          group === undefined ? [m.index, m.index + m[0].length] : groupSpan(m, group)
        if (where === undefined || where[1] <= where[0]) continue
        spans.push({ start: where[0], end: where[1], rule: name, urlSafe })
      }
      return spans
    },
  }
}

function groupSpan(
  m: RegExpExecArray,
  group: number | string | readonly number[],
): [number, number] | undefined {
  const indices = m.indices
  if (indices === undefined) return undefined
  if (typeof group === 'number') return indices[group]
  if (typeof group === 'string') return indices.groups?.[group]
  for (const alternative of group) if (indices[alternative] !== undefined) return indices[alternative]
  return undefined
}

/**
 * Turns a user-given pattern into a rule, rejecting an invalid regular expression with a typed error.
 * @example textPatternRule({ name: 'acme-key', pattern: 'acme_[a-z0-9]{32}' })
 */
export function textPatternRule(pattern: TextPattern): TextRule {
  let regex: RegExp
  try {
    regex = typeof pattern.pattern === 'string' ? new RegExp(pattern.pattern) : pattern.pattern
  } catch (error) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to create the redactor: pattern ${JSON.stringify(pattern.name)} is not a valid regular expression (${(error as Error).message}).`,
      {
        hint: 'Write the pattern as a JavaScript regular expression source, e.g. acme_[a-z0-9]{32}.',
        details: { rule: pattern.name },
      },
    )
  }
  return regexRule(pattern.name, regex, { group: pattern.group, urlSafe: pattern.urlSafe })
}

/**
 * Every rule's literals found in one scan: a rule then runs only when one of its literals occurs (most
 * bodies hold none).
 * @example const gate = literalGate(rules); gate?.present(text).has('eyJ')
 */
export interface LiteralGate {
  /** The literals that occur in `text`. */
  present(text: string): Set<string>
}

/**
 * Builds the gate of a rule list; undefined when no rule has literals.
 * @example literalGate(DEFAULT_TEXT_RULES)?.present('Bearer eyJhbGci…') // Set { 'earer', 'eyJ' }
 */
export function literalGate(rules: readonly TextRule[]): LiteralGate | undefined {
  const literals = [...new Set(rules.flatMap((rule) => rule.literals ?? []))]
  if (literals.length === 0) return undefined
  const pattern = new RegExp(
    literals.map((literal) => literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|'),
    'g',
  )
  // Where one literal starts another (`ab`, `abc`), a match of the longer one means both occur.
  const implied = new Map(literals.map((l) => [l, literals.filter((other) => l.startsWith(other))]))
  return {
    present(text) {
      const present = new Set<string>()
      pattern.lastIndex = 0
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
        for (const literal of implied.get(m[0]) ?? [m[0]]) present.add(literal)
        pattern.lastIndex = m.index + 1
      }
      return present
    },
  }
}
