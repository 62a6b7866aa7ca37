import { describe, expect, it } from 'vitest'
import { createLruCache } from '../../../examples/copilot/lru-cache.ts'
import { tokenize } from '../../../examples/copilot/tokenize.ts'

describe('copilot support', () => {
  it('tokenize: lowercases with a fixed locale and drops stopwords', () => {
    expect(tokenize('Lire une réponse en flux')).toEqual(['lire', 'réponse', 'flux'])
    // Under a Turkish default locale 'I' would lowercase to dotless 'ı'; the fixed en-US locale never does.
    expect(tokenize('INFO Istanbul')).toEqual(['info', 'istanbul'])
  })

  it('tokenize: splits Japanese into character bigrams and keeps Latin words whole', () => {
    expect(tokenize('fetchのレスポンス')).toEqual(['fetch', 'のレ', 'レス', 'スポ', 'ポン', 'ンス'])
  })

  it('tokenize: normalizes to NFC so composed and decomposed accents give one term', () => {
    expect(tokenize('re\u0301ponse')).toEqual(tokenize('r\u00e9ponse'))
  })

  it('tokenize: splits a word at U+FFFD, which is not a letter', () => {
    expect(tokenize('a\uFFFD\uFFFDade requ\uFFFDte')).toEqual(['ade', 'requ', 'te'])
  })

  it('createLruCache: evicts the least recently used entry and shrinks on resize', () => {
    const cache = createLruCache<string, number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    expect(cache.get('a')).toBe(1)
    cache.set('c', 3)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(1)
    cache.resize(1)
    expect(cache.size).toBe(1)
    expect(cache.get('a')).toBe(1)
    expect(() => createLruCache(0)).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: Failed to size the LRU cache: maxEntries must be a positive integer, got 0.]`,
    )
  })
})
