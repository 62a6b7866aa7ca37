/**
 * Unicode-aware tokenization shared by the data source and the ranking stage: words for scripts that
 * separate them with spaces, character bigrams for Japanese and Chinese, which do not.
 */

// Kana and Han runs (with the prolonged sound mark and the iteration mark), or runs of other letters and digits.
const TOKEN =
  /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30FC\u3005]+|[[\p{L}\p{N}]--[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]]+/gv
const CJK = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30FC\u3005]/v

/** Lowercasing must not depend on the machine: Turkish or Lithuanian defaults would change tokens. */
const LOCALE = 'en-US'

// Frequent function words of the demo's languages: they match everything and mean nothing.
const STOPWORDS = new Set(
  [
    'a an and are as at be by can do does for from how i in is it its my of on or so that the this to use using what when which with you your',
    'à au avec ce comment dans de des du en est et il la le les mon ou par pour que qui sa se son sur un une',
    'al con cómo de del el en es la las lo los mi para por que se su un una y',
    'als am an auf aus bei das dem den der die ein eine einen es für ich im in ist mit nicht ohne und von wie zu',
  ].flatMap((line) => line.split(' ')),
)

/**
 * Splits text into lowercase search terms, dropping stopwords; the same text always gives the same terms.
 * @example tokenize('Lire une réponse en flux') // ['lire', 'réponse', 'flux']
 */
export function tokenize(text: string): string[] {
  const terms: string[] = []
  for (const [run] of text.normalize('NFC').toLocaleLowerCase(LOCALE).matchAll(TOKEN)) {
    if (CJK.test(run)) {
      const chars = [...run]
      if (chars.length === 1) terms.push(run)
      for (let i = 0; i + 1 < chars.length; i++) terms.push(chars[i]! + chars[i + 1]!)
    } else if (!STOPWORDS.has(run)) {
      terms.push(run)
    }
  }
  return terms
}
