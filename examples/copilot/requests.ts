/**
 * The demo's traffic: `POST /suggest` bodies as an editor plugin sends them, in several languages.
 */

/** One demo request: a name for reports and the JSON body to post. */
export interface DemoRequest {
  readonly name: string
  readonly body: { text: string; cursor?: number; lang?: string; k?: number }
}

const timeoutText = 'cancel a slow request after a timeout using AbortSignal // TODO handle errors'

/**
 * Realistic requests: three plain ASCII, three with accents (French, Spanish, German), one with emoji, one Japanese.
 * Under productionConfig the five non-ASCII ones come out corrupted: each answer from the data source has a
 * multi-byte character across a 64-byte flush boundary in text the ranking reads (test/examples/copilot checks it).
 * @example for (const { body } of demoRequests) await fetch(`${url}/suggest`, { method: 'POST', body: JSON.stringify(body) })
 */
export const demoRequests: readonly DemoRequest[] = [
  {
    name: 'en-stream',
    body: { text: 'How do I read a fetch response body as a stream and decode it', lang: 'en', k: 3 },
  },
  {
    name: 'en-retry',
    body: { text: 'retry failed requests with exponential backoff and jitter', lang: 'en', k: 2 },
  },
  {
    name: 'en-timeout',
    body: { text: timeoutText, cursor: timeoutText.indexOf(' //'), k: 2 },
  },
  {
    name: 'fr-abort',
    body: { text: 'Comment annuler une requête fetch après un délai d’expiration ?', lang: 'fr', k: 2 },
  },
  {
    name: 'es-retry',
    body: { text: '¿Cómo reintento una petición fallida con espera exponencial?', lang: 'es', k: 3 },
  },
  {
    name: 'de-stream',
    body: { text: 'Wie lese ich große Antworten in Stücken, ohne Umlaute zu zerstören?', lang: 'de', k: 3 },
  },
  {
    name: 'emoji-commit',
    body: { text: 'Which emoji marks a bug fix 🐛 in commit messages and release notes?', lang: 'en', k: 3 },
  },
  {
    name: 'ja-stream',
    body: { text: 'fetchのレスポンスをストリームで読む方法', lang: 'ja', k: 2 },
  },
]
