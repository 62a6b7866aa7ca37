/**
 * Command-line parse errors as parallax says them: commander's text made a sentence, and a hint that
 * names the help of the command that was actually run.
 */

/** What to print for a command line that failed to parse: the message, then the hint. */
export interface ParseErrorText {
  message: string
  hint: string
}

/**
 * Turns commander's error message into parallax's, with a hint naming the help of `command` (its full
 * name, e.g. `parallax import har`).
 * @example
 * describeParseError("error: option '--sample <fraction>' argument '2' is invalid. a fraction from 0 to 1, e.g. 0.05", 'parallax proxy')
 * // { message: "Failed to parse the command line: option '--sample <fraction>' argument '2' is invalid: it must be a fraction from 0 to 1, e.g. 0.05.",
 * //   hint: 'run `parallax proxy --help`.' }
 */
export function describeParseError(message: string, command: string): ParseErrorText {
  const first = message.replace(/^error: /, '').replace(/\n[\s\S]*/, '')
  // Commander puts its "(Did you mean …?)" on a line of its own.
  const suggestion = /\(Did you mean .*\)/.exec(message)?.[0]
  const reason = invalidValue(first) ?? first.replace(/\.+$/, '')
  return {
    message: `Failed to parse the command line: ${reason}.${suggestion ? ` ${suggestion}` : ''}`,
    hint: `run \`${command} --help\`.`,
  }
}

/**
 * Commander says a value its parser refused as `<what> is invalid. <parser's words>`; the parsers here
 * say what the value should be ("a fraction from 0 to 1", "expected a positive integer."), so this
 * joins the two into one sentence: `<what> is invalid: it must be a fraction from 0 to 1`.
 */
function invalidValue(text: string): string | undefined {
  const match = /^(.*? is invalid(?: for argument '[^']*')?)\. (.+)$/s.exec(text)
  if (!match) return undefined
  const [, what, words] = match as unknown as [string, string, string]
  let why = words
    .trim()
    .replace(/\.+$/, '')
    .replace(/^expected /i, '')
  if (/^(a|an|one of) /i.test(why)) why = `it must be ${why}`
  else if (/^[A-Z][a-z]/.test(why)) why = why[0]!.toLowerCase() + why.slice(1)
  return `${what}: ${why}`
}
