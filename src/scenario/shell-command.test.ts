import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sanitizeText } from '../report/sanitize-text.ts'
import { shellCommand, shellQuote } from './shell-command.ts'

/** The arguments a shell hands to `printf` once it has read `command` in `cwd`, split on NUL. */
function argsAfterShell(shell: string, command: string, cwd: string): string[] {
  const out = execFileSync(shell, ['-c', `printf '%s\\0' ${command}`], { cwd, encoding: 'utf8' })
  return out.split('\0').slice(0, -1)
}

describe('shellQuote', () => {
  it('shellQuote: leaves safe arguments bare and single-quotes the rest', () => {
    expect(shellQuote('fr-abort')).toBe('fr-abort')
    expect(shellQuote('scenarios/copilot.ts')).toBe('scenarios/copilot.ts')
    expect(shellQuote('local,production')).toBe('local,production')
    expect(shellQuote('v1=http://127.0.0.1:3000')).toBe('v1=http://127.0.0.1:3000')
    expect(shellQuote('')).toBe("''")
    expect(shellQuote('my scenarios/a.ts')).toBe("'my scenarios/a.ts'")
    expect(shellQuote('**.timestamp')).toBe("'**.timestamp'")
    expect(shellQuote('x$(touch /tmp/p)')).toBe("'x$(touch /tmp/p)'")
    expect(shellQuote("it's")).toBe("'it'\\''s'")
    expect(shellQuote('=ls')).toBe("'=ls'")
  })

  it("shellQuote: writes control and invisible characters as $'…' escapes, which sanitizeText leaves alone", () => {
    expect(shellQuote('a\nb')).toBe("$'a\\nb'")
    expect(shellQuote("e\x1b[2J'\\\u202e")).toBe("$'e\\x1b[2J\\x27\\\\\\u202e'")
    expect(shellQuote('\ufffe')).toBe("$'\\ufffe'")
    for (const arg of ['a\nb', "e\x1b[2J'\\", 'x\u202e$(id)'])
      expect(sanitizeText(shellQuote(arg))).toBe(shellQuote(arg))
  })
})

describe('shellCommand', () => {
  const hostile = [
    'x$(touch PWNED)',
    'a`touch PWNED`b',
    "it's <script>alert(1)</script>",
    'a | touch PWNED; b && c > d',
    'my dir/scenario.ts',
    '$HOME ~ * ? [a] {b,c} # !',
    "'",
    '\\',
    '',
    '-x',
    '=ls',
    'é 日本 🎉',
  ]

  it('shellCommand: sh -c reads back every argument exactly and runs nothing (no command substitution)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parallax-quote-'))
    const args = ['parallax', 'replay', ...hostile]
    expect(argsAfterShell('sh', shellCommand(args), cwd)).toEqual(args)
    expect(existsSync(join(cwd, 'PWNED'))).toBe(false)
  })

  it("shellCommand: control characters read back exactly in bash, and stay inert in a shell without $'…'", () => {
    const cwd = mkdtempSync(join(tmpdir(), 'parallax-quote-'))
    const args = ["a\n'$(touch PWNED)'\x1b[2J\u202e", "\\x41'\\'"]
    expect(argsAfterShell('bash', shellCommand(args), cwd)).toEqual(args)
    expect(argsAfterShell('sh', shellCommand(args), cwd)).toHaveLength(2)
    expect(existsSync(join(cwd, 'PWNED'))).toBe(false)
  })
})
