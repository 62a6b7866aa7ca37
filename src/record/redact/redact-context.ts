/**
 * What every redaction step needs: the HMAC key, the name matchers, the text rules, and an optional
 * observer told about each secret replaced (for `parallax scan` and the redact summary).
 */
import { placeholderOfBytes } from './placeholder.ts'
import type { SecretNames } from './secret-names.ts'
import type { LiteralGate, TextRule } from './text-rule.ts'

/**
 * The shared state of one redactor (`found` is set only while auditing).
 * @example const ctx: RedactContext = { key, names, rules }
 */
export interface RedactContext {
  readonly key: string
  readonly names: SecretNames
  readonly rules: readonly TextRule[]
  /** Finds every rule's literals at once (see `literalGate`). */
  readonly gate?: LiteralGate | undefined
  /**
   * True when no rule can find anything in the byte string `text` (no literal of a rule, no run that could
   * be a secret name, nothing escaped or percent-encoded that could hide one): the passes are skipped.
   * Undefined: always run them.
   */
  readonly quiet?: ((text: string) => boolean) | undefined
  /**
   * True when redacting the header would change nothing: its name can be neither a secret header's nor
   * a URL header's, and its value is quiet. Undefined: always redact.
   */
  readonly plainHeader?: ((name: string, value: string) => boolean) | undefined
  /**
   * How many percent-encodings deep the text being redacted sits (a URL decoded out of a URL's query is
   * one deeper); undefined at the top. Bounds the decoding of a hostile `%252525…`.
   */
  readonly encodedDepth?: number | undefined
  /** Called with the rule and the secret (a latin1 byte string) each time a secret is replaced. */
  readonly found?: ((rule: string, secret: string, placeholder: string) => void) | undefined
}

/**
 * The placeholder replacing `secret` (a latin1 byte string), reported to `ctx.found`.
 * @example replacementFor(ctx, 'jwt', token, false) // '[redacted:…]'
 */
export function replacementFor(ctx: RedactContext, rule: string, secret: string, urlSafe: boolean): string {
  const placeholder = placeholderOfBytes(ctx.key, secret, urlSafe)
  ctx.found?.(rule, secret, placeholder)
  return placeholder
}
