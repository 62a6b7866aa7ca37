/**
 * Which header, query parameter and body key names hold secrets. Names are compared normalized
 * (lower case, only letters and digits), so `apiKey`, `api_key`, `API-KEY` and `X_Api_Key`'s tail all
 * read `apikey`. An entry starting with `*` matches every name ending that way (`*token` matches
 * `x-internal-token`); a removed name is never secret, even when a suffix matches it.
 */

/**
 * Header names whose values are redacted by default (cookies keep their names and attributes).
 * @example DEFAULT_SECRET_HEADERS.includes('authorization') // true
 */
export const DEFAULT_SECRET_HEADERS: readonly string[] = Object.freeze([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth-token',
  'x-access-token',
  'x-refresh-token',
  'x-csrf-token',
  'x-xsrf-token',
  'x-session-token',
  'x-amz-security-token',
  'x-goog-api-key',
  'private-token',
  'x-vault-token',
  'x-hub-signature',
  'x-hub-signature-256',
  'stripe-signature',
  'x-slack-signature',
  '*token',
  '*secret',
  '*password',
  '*apikey',
])

/**
 * Query (and URL fragment) parameter names whose values are redacted by default.
 * @example DEFAULT_SECRET_QUERY_PARAMS.includes('access_token') // true
 */
export const DEFAULT_SECRET_QUERY_PARAMS: readonly string[] = Object.freeze([
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'key',
  'secret',
  'client_secret',
  'password',
  'passwd',
  'pwd',
  'auth',
  'signature',
  'sig',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-goog-signature',
  'x-goog-credential',
  'code',
  'session',
  'sessionid',
  'jwt',
  '*token',
  '*secret',
  '*password',
  '*apikey',
  '*signature',
  '*credential',
])

/**
 * JSON, form, multipart and `name=value` text key names whose values are redacted by default.
 * @example DEFAULT_SECRET_BODY_KEYS.includes('client_secret') // true
 */
export const DEFAULT_SECRET_BODY_KEYS: readonly string[] = Object.freeze([
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'auth_token',
  'private_key',
  'secret_key',
  'authorization',
  'proxy_authorization',
  'cookie',
  'set_cookie',
  'session_token',
  'signature',
  'passphrase',
  'credentials',
  '*token',
  '*secret',
  '*password',
  '*passwd',
  '*passphrase',
  '*apikey',
  '*privatekey',
  '*secretkey',
  '*accesskey',
  '*signature',
])

/**
 * Names that look secret by their suffix but are not (pagination cursors, tokenizer settings): never redacted.
 * @example DEFAULT_NOT_SECRET_NAMES.includes('next_page_token') // true
 */
export const DEFAULT_NOT_SECRET_NAMES: readonly string[] = Object.freeze([
  'page_token',
  'next_page_token',
  'prev_page_token',
  'next_token',
  'continuation_token',
  'sync_token',
  'cursor_token',
  'bos_token',
  'eos_token',
  'pad_token',
  'unk_token',
  'cls_token',
  'sep_token',
  'mask_token',
  'stop_token',
])

/**
 * Names to add to, or take out of, one kind of default list.
 * @example const headers: NameRules = { add: ['x-session', '*-sig'], remove: ['x-csrf-token'] }
 */
export interface NameRules {
  /** Extra names; `*suffix` matches every name ending in `suffix`. */
  add?: readonly string[]
  /** Names that are never secret (a default exact name is dropped; `*suffix` drops that suffix rule). */
  remove?: readonly string[]
}

/**
 * Tells whether a name holds a secret.
 * @example const isSecret = createNameMatcher(DEFAULT_SECRET_BODY_KEYS); isSecret('apiKey') // true
 */
export type NameMatcher = (name: string) => boolean

/**
 * Normalizes a name for comparison: lower case, letters and digits only.
 * @example normalizeName('X-API_Key') // 'xapikey'
 */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}

const CACHE_LIMIT = 4096

/**
 * Builds a matcher from a default list and rules; results are cached (names repeat a lot in traffic).
 * @example createNameMatcher(DEFAULT_SECRET_HEADERS, { add: ['x-session'] })('X-Session') // true
 */
export function createNameMatcher(defaults: readonly string[], rules: NameRules = {}): NameMatcher {
  const removed = rules.remove ?? []
  const removedSuffixes = new Set(removed.filter((n) => n.startsWith('*')).map((n) => normalizeName(n)))
  const never = new Set(
    [...DEFAULT_NOT_SECRET_NAMES, ...removed.filter((n) => !n.startsWith('*'))].map(normalizeName),
  )
  const exact = new Set<string>()
  const suffixes: string[] = []
  for (const entry of [...defaults, ...(rules.add ?? [])]) {
    const normalized = normalizeName(entry)
    if (normalized === '') continue
    if (entry.startsWith('*')) {
      if (!removedSuffixes.has(normalized)) suffixes.push(normalized)
    } else if (!never.has(normalized)) {
      exact.add(normalized)
    }
  }
  const cache = new Map<string, boolean>()
  const matcher = (name: string) => {
    const cached = cache.get(name)
    if (cached !== undefined) return cached
    const normalized = normalizeName(name)
    const secret =
      normalized !== '' &&
      !never.has(normalized) &&
      (exact.has(normalized) || suffixes.some((suffix) => normalized.endsWith(suffix)))
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(name, secret)
    return secret
  }
  nameTerms.set(matcher, [...exact, ...suffixes])
  return matcher
}

/** The normalized names and suffixes each matcher accepts, for {@link secretNameTerms}. */
const nameTerms = new WeakMap<NameMatcher, string[]>()

/**
 * The terms to look for in a text's normalized form (lower case, letters and digits only) so as to find
 * every name one of `matchers` accepts: each accepted name and suffix, less those holding another (a text
 * holding `apikey` holds `key`). A run's letters and digits stay contiguous in the text's normalized
 * form, so a text without these terms there (see `termScan`) holds no secret name, unless one is escaped
 * or percent-encoded. Undefined when a matcher was not made by {@link createNameMatcher}.
 * @example secretNameTerms([names.bodyKey]) // ['password', 'secret', 'token', 'key', …]
 */
export function secretNameTerms(matchers: readonly NameMatcher[]): string[] | undefined {
  const terms = new Set<string>()
  for (const matcher of matchers) {
    const own = nameTerms.get(matcher)
    if (own === undefined) return undefined
    for (const term of own) terms.add(term)
  }
  const unique = [...terms]
  return unique.filter((term) => !unique.some((other) => other !== term && term.includes(other)))
}

/**
 * The name matchers a redactor uses.
 * @example if (names.bodyKey('apiKey')) redactValue()
 */
export interface SecretNames {
  header: NameMatcher
  query: NameMatcher
  bodyKey: NameMatcher
  /** Form and multipart fields: a body key or a query parameter name (forms are query strings in a body). */
  field: NameMatcher
}
