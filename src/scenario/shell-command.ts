/**
 * The commands parallax prints for a person to paste (`replay:` lines, `replayKey`, `reproduce:`), built
 * from an argument list with each argument quoted for a POSIX shell: a recording id, a route or a path
 * comes from production traffic or the file system, and `x$(touch /tmp/p)` must stay one literal argument.
 */
import { sanitizeText } from '../report/sanitize-text.ts'

/** Arguments made only of these characters are left bare. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/

/** U+FFFE and U+FFFF, which sanitizeText lets through but the other reports escape. */
const NONCHARACTER = /[\ufffe\uffff]/

/**
 * One argument quoted for a POSIX shell: bare when it holds only safe characters, else in single quotes
 * (a `'` inside written `'\''`). An argument with a control, invisible or direction-changing character is
 * written `$'…'` with that character escaped (`\x1b`, `\n`, `\u202e`, as the reports escape it), so what a
 * terminal prints is exactly what pastes in bash, zsh, ksh and POSIX.1-2024 shells; a shell without `$'…'`
 * (dash) reads a wrong but inert word, since a `'` inside is written `\x27`.
 * @example shellQuote('fr-abort') // 'fr-abort'
 * @example shellQuote("x$(id)'s") // "'x$(id)'\\''s'"
 */
export function shellQuote(arg: string): string {
  // zsh expands a word that starts with `=` (`=ls` is the path of ls): quoted too.
  if (SAFE.test(arg) && !arg.startsWith('=')) return arg
  if (sanitizeText(arg) === arg && !NONCHARACTER.test(arg)) return `'${arg.replaceAll("'", `'\\''`)}'`
  // `'` as \x27, never \': a shell without `$'…'` (dash) then reads one plain single-quoted word.
  const ansi = sanitizeText(arg.replaceAll('\\', '\\\\').replaceAll("'", '\\x27')).replace(
    new RegExp(NONCHARACTER, 'g'),
    (char) => `\\u${char.charCodeAt(0).toString(16)}`,
  )
  return `$'${ansi}'`
}

/**
 * A command line ready to paste into a shell: every argument quoted as {@link shellQuote} does.
 * @example shellCommand(['parallax', 'replay', 'my scenarios/a.ts', '--recording', 'x$(id)'])
 * // "parallax replay 'my scenarios/a.ts' --recording 'x$(id)'"
 */
export function shellCommand(args: readonly string[]): string {
  return args.map(shellQuote).join(' ')
}
