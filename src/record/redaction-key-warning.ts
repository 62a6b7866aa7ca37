/**
 * The warning every command that redacts prints when PARALLAX_REDACTION_KEY is unset: placeholders keyed
 * by the public default key can be linked across organizations, and a short secret guessed from its
 * placeholder by trying candidates.
 */

/**
 * What is wrong, as `parallax redact` words it.
 * @example process.stderr.write(`[parallax] ${DEFAULT_REDACTION_KEY_NOTICE}\n`)
 */
export const DEFAULT_REDACTION_KEY_NOTICE =
  'PARALLAX_REDACTION_KEY is not set: the placeholders use the public default key.'

/**
 * What to do about it.
 * @example process.stderr.write(`[parallax] ${DEFAULT_REDACTION_KEY_NOTICE} ${REDACTION_KEY_ADVICE}\n`)
 */
export const REDACTION_KEY_ADVICE =
  'Set it to a long random secret, e.g. PARALLAX_REDACTION_KEY=$(openssl rand -hex 32), and use the same one when replaying, so placeholders cannot be linked across organizations or brute-forced.'

/**
 * The one-line warning for `env`, or undefined when a key is set.
 * @example const line = redactionKeyWarning(process.env); if (line) process.stderr.write(line)
 */
export function redactionKeyWarning(env: NodeJS.ProcessEnv): string | undefined {
  return env.PARALLAX_REDACTION_KEY
    ? undefined
    : `[parallax] ${DEFAULT_REDACTION_KEY_NOTICE} ${REDACTION_KEY_ADVICE}\n`
}
