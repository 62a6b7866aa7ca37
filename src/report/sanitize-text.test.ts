import { describe, expect, it } from 'vitest'
import { quoteText, sanitizeText } from './sanitize-text.ts'

describe('sanitizeText', () => {
  it('sanitizeText: escapes terminal control sequences so they print as text', () => {
    expect(sanitizeText('\x1b]8;;https://evil.example\x07click\x1b]8;;\x07')).toBe(
      '\\x1b]8;;https://evil.example\\x07click\\x1b]8;;\\x07',
    )
    expect(sanitizeText('a\x1b[2Jb')).toBe('a\\x1b[2Jb')
    expect(sanitizeText('\x9b31m')).toBe('\\x9b31m')
  })

  it('sanitizeText: escapes line breaks, carriage returns, BEL, DEL and NUL', () => {
    expect(sanitizeText('ok\rFAKE\nnext\x07\x7f\x00\t')).toBe('ok\\rFAKE\\nnext\\x07\\x7f\\x00\\t')
  })

  it('sanitizeText: makes bidi overrides, zero-width characters and U+FFFD visible', () => {
    expect(sanitizeText('abc\u202etxt.exe\u2066\u200b\ufeff requ\ufffd\ufffdte')).toBe(
      'abc\\u202etxt.exe\\u2066\\u200b\\ufeff requ\\ufffd\\ufffdte',
    )
  })

  it('sanitizeText: keeps printable text, accents, emoji and surrogate pairs intact', () => {
    expect(sanitizeText('une requête 😀 日本 $.a["b c"]')).toBe('une requête 😀 日本 $.a["b c"]')
  })

  it('sanitizeText: escapes lone surrogates', () => {
    expect(sanitizeText('x\ud83dy\ude00')).toBe('x\\ud83dy\\ude00')
  })
})

describe('quoteText', () => {
  it('quoteText: escapes quotes and backslashes so an escaped-looking text stays distinct from a raw one', () => {
    expect(quoteText('a\\x1b')).toBe('"a\\\\x1b"')
    expect(quoteText('a\x1b')).toBe('"a\\x1b"')
    expect(quoteText('say "hi"')).toBe('"say \\"hi\\""')
  })
})
