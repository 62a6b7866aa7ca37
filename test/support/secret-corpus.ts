/**
 * The secret corpus: real-looking HTTP exchanges that each plant one or more secrets, in every place a
 * recording holds them (headers of any case, repeated Set-Cookie, URL userinfo and query, JSON at any
 * depth, form and multipart fields, free text, binary bodies, compressed bodies, secrets split across
 * stream chunks or cut by the body bound). Secrets are generated from a fixed seed: realistic formats,
 * unique per case. Each case can be driven through a real server + recorder + writer, or turned into the
 * Recording such a recorder writes ({@link recordingOf}); {@link findLeaks} then looks for every secret
 * in raw, URL-, form-, JSON- and base64-encoded forms.
 */
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { bodyFromBytes } from '../../src/recording/body.ts'
import type { Exchange, HeaderList, Recording } from '../../src/recording/types.ts'

/**
 * Which message of the recording carries the secrets.
 * @example if (c.where === 'outbound-response') upstream.answer(c)
 */
export type SecretPlace = 'inbound-request' | 'inbound-response' | 'outbound-request' | 'outbound-response'

/**
 * One exchange that plants secrets. The request is `method path`; `headers`/`body` are those of `where`.
 * @example const { method, path, headers, body, secrets } = SECRET_CORPUS[0]!
 */
export interface SecretCase {
  name: string
  where: SecretPlace
  method: string
  /** Path and query of the request, e.g. `/v1/charges?api_key=…`. */
  path: string
  /** Outbound requests only: `user:password` written into the request URL (already percent-encoded). */
  userinfo?: string
  /** Response cases: the status (default 200). */
  status?: number
  headers: HeaderList
  /** The body bytes as the recorder stores them (decoded when `contentEncoding` is set). */
  body?: Buffer
  /** Response cases: the pieces the body is written in (their concatenation is `body`). */
  chunks?: Buffer[]
  /** The body travels compressed with this coding (use {@link wireBody}); the recorder stores it decoded. */
  contentEncoding?: 'gzip' | 'br'
  /** Record with this body bound: the cut goes through a secret (see {@link cutPrefixes}). */
  maxBodyBytes?: number
  secrets: string[]
}

/**
 * Where a secret showed up, and in which encoding.
 * @example { secret: 0, form: 'base64', index: 1234 }
 */
export interface Leak {
  /** Index of the secret in the list given to {@link findLeaks}. */
  secret: number
  form: 'raw' | 'uri' | 'uri-twice' | 'form' | 'json' | 'json-twice' | 'base64' | 'base64url'
  index: number
}

const SEED = 0x5ec7e7

/** mulberry32: a small, fast, seeded generator. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const DIGITS = '0123456789'
const ALNUM = UPPER + LOWER + DIGITS

/**
 * Secret kinds, each generated as [the value planted, …further strings that must not leak] (Basic
 * credentials also check their password, a PEM block one of its lines).
 */
function kinds(next: () => number) {
  const from = (chars: string, n: number) =>
    Array.from({ length: n }, () => chars[Math.floor(next() * chars.length)]).join('')
  // Every token holds a digit and both cases, as real ones practically always do.
  const alnum = (n: number) => `${from(UPPER, 1)}${from(DIGITS, 1)}${from(LOWER, 1)}${from(ALNUM, n - 3)}`
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)))
  const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url')
  const password = () => `${alnum(8)}${from('!*-_.~@$^', 2)}${alnum(6)}`
  const jwt = () =>
    [
      b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: from(LOWER + DIGITS, 8) })),
      b64url(JSON.stringify({ sub: `user-${from(DIGITS, 6)}`, scope: 'read write', iat: 1764000000 })),
      b64url(bytes(32)),
    ].join('.')
  const pem = () => {
    const lines = bytes(900)
      .toString('base64')
      .match(/.{1,64}/g)!
    return [`-----BEGIN RSA PRIVATE KEY-----\n${lines.join('\n')}\n-----END RSA PRIVATE KEY-----`, lines[1]!]
  }
  const basic = () => {
    const secret = password()
    return [Buffer.from(`svc_${from(LOWER, 6)}:${secret}`).toString('base64'), secret]
  }
  const one = (make: () => string) => () => [make()]
  return {
    jwt: one(jwt),
    opaque: one(() => alnum(40)),
    key: one(() => alnum(32)),
    code: one(() => alnum(20)),
    hex: one(() => from('0123456789abcdef', 40)),
    sha: one(() => from('0123456789abcdef', 64)),
    password: one(password),
    pin: one(() => `${1 + Math.floor(next() * 9)}${from(DIGITS, 11)}`),
    basic,
    pem,
    sk_live: one(() => `sk_live_${alnum(24 + Math.floor(next() * 75))}`),
    sk_test: one(() => `sk_test_${alnum(24 + Math.floor(next() * 75))}`),
    rk_live: one(() => `rk_live_${alnum(24 + Math.floor(next() * 75))}`),
    AKIA: one(() => `AKIA${from(`${UPPER}234567`, 16)}`),
    ASIA: one(() => `ASIA${from(`${UPPER}234567`, 16)}`),
    awsSecret: one(() => `${alnum(12)}/${from(`${ALNUM}+`, 14)}/${alnum(12)}`),
    ghp: one(() => `ghp_${alnum(36)}`),
    gho: one(() => `gho_${alnum(36)}`),
    ghs: one(() => `ghs_${alnum(36)}`),
    ghr: one(() => `ghr_${alnum(36)}`),
    githubPat: one(() => `github_pat_${alnum(22)}_${alnum(59)}`),
    xoxb: one(() => `xoxb-${from(DIGITS, 12)}-${from(DIGITS, 13)}-${alnum(24)}`),
    xoxp: one(() => `xoxp-${from(DIGITS, 12)}-${from(DIGITS, 13)}-${alnum(24)}`),
    google: one(() => `AIza${alnum(35)}`),
  }
}

type Kind = keyof ReturnType<typeof kinds>
type Message = Omit<SecretCase, 'name' | 'where' | 'secrets'>
interface Recipe {
  label: string
  kinds: Kind[]
  places: readonly SecretPlace[]
  build: (v: string[], where: SecretPlace) => Message
}

const REQUEST: SecretPlace[] = ['inbound-request', 'outbound-request']
const RESPONSE: SecretPlace[] = ['inbound-response', 'outbound-response']
const ALL: SecretPlace[] = [...REQUEST, ...RESPONSE]
const isRequest = (where: SecretPlace) => where.endsWith('request')
const url = encodeURIComponent
const json = (value: unknown, indent?: number) => JSON.stringify(value, null, indent)
const JSON_TYPE = 'application/json'
const TEXT_TYPE = 'text/plain; charset=utf-8'
const FORM_TYPE = 'application/x-www-form-urlencoded'

/** A request carrying secrets in its headers. */
const header = (label: string, k: Kind[], render: (v: string[]) => HeaderList): Recipe => ({
  label,
  kinds: k,
  places: REQUEST,
  build: (v) => ({ method: 'GET', path: '/v1/me', headers: render(v) }),
})

/** A response carrying secrets in its headers. */
const responseHeader = (
  label: string,
  k: Kind[],
  render: (v: string[]) => HeaderList,
  status = 200,
): Recipe => ({
  label,
  kinds: k,
  places: RESPONSE,
  build: (v) => ({ method: 'POST', path: '/login', status, headers: render(v) }),
})

/** A request whose URL (path and query) carries secrets. */
const query = (label: string, k: Kind[], render: (v: string[]) => string): Recipe => ({
  label,
  kinds: k,
  places: REQUEST,
  build: (v) => ({ method: 'GET', path: render(v), headers: [['accept', '*/*']] }),
})

/** A body of `type` carrying secrets: a POST's request body, or the answer to a GET. */
function body(
  label: string,
  k: Kind[],
  type: string,
  render: (v: string[]) => string | Buffer,
  places: readonly SecretPlace[] = ALL,
  extra: (bytes: Buffer, v: string[]) => Partial<Message> = () => ({}),
): Recipe {
  return {
    label,
    kinds: k,
    places,
    build: (v, where) => {
      const bytes = Buffer.from(render(v))
      const message: Message = {
        method: isRequest(where) ? 'POST' : 'GET',
        path: '/v1/data',
        headers: [['content-type', type]],
        body: bytes,
      }
      const more = extra(bytes, v)
      return { ...message, ...more, headers: [...message.headers, ...(more.headers ?? [])] }
    },
  }
}

/** Compressed on the wire (the recorder stores it decoded). */
const coded = (coding: 'gzip' | 'br') => (): Partial<Message> => ({
  contentEncoding: coding,
  headers: [['content-encoding', coding]],
})

/** Cut into pieces at `fractions` of the way through the first secret (or at byte offsets when > 1). */
const chunked =
  (...at: number[]) =>
  (bytes: Buffer, v: string[]): Partial<Message> => {
    const start = bytes.indexOf(v[0]!)
    const cuts = at.map((f) => (f > 1 ? f : start + Math.floor(v[0]!.length * f)))
    const points = [0, ...cuts, bytes.byteLength]
    return { chunks: points.slice(1).map((end, i) => bytes.subarray(points[i], end)) }
  }

/** Recorded with a body bound that cuts the first secret `fraction` of the way through (or at a byte offset). */
const cutAt =
  (fraction: number) =>
  (bytes: Buffer, v: string[]): Partial<Message> => ({
    maxBodyBytes: fraction > 1 ? fraction : bytes.indexOf(v[0]!) + Math.floor(v[0]!.length * fraction),
  })

function multipart(
  parts: Array<[name: string, content: string | Buffer, type?: string, filename?: string]>,
): Buffer {
  const pieces = parts.map(([name, content, type, filename]) => {
    const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}${type ? `\r\nContent-Type: ${type}` : ''}\r\n\r\n`
    return Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from('\r\n')])
  })
  return Buffer.concat([...pieces, Buffer.from(`--${BOUNDARY}--\r\n`)])
}
const BOUNDARY = '----parallaxBoundary7MA4YWxkTrZu0gW'
const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`
const bin = (...parts: Array<number[] | string>) => Buffer.concat(parts.map((p) => Buffer.from(p as string)))

const SECRET_HEADER_NAMES = [
  'x-api-key',
  'X-API-KEY',
  'Api-Key',
  'x-auth-token',
  'X-Access-Token',
  'x-csrf-token',
]
const MORE_HEADER_NAMES = ['x-amz-security-token', 'X-Internal-Token', 'Private-Token', 'x-vault-token']
const QUERY_PARAMS = ['token', 'access_token', 'refresh_token', 'id_token', 'api_key', 'apikey', 'secret']
const MORE_QUERY_PARAMS = ['client_secret', 'auth', 'signature', 'sig', 'code', 'jwt']
const JSON_KEYS = ['apiKey', 'api_key', 'API-KEY', 'ApiKey', 'X_API_KEY', 'clientSecret', 'client-secret']
const MORE_JSON_KEYS = [
  'accessToken',
  'refresh_token',
  'secretAccessKey',
  'privateKey',
  'auth_token',
  'sessionToken',
]
const SCHEMES = ['mongodb+srv', 'postgres', 'mysql', 'amqp']

/** Nests `value` `depth` levels down, in objects and arrays. */
const nest = (value: unknown, depth: number): unknown =>
  depth === 0 ? value : nest({ level: depth, data: [value] }, depth - 1)

const RECIPES: Recipe[] = [
  ...['Authorization', 'authorization', 'AUTHORIZATION'].map((n) =>
    header(`${n}: Bearer <jwt>`, ['jwt'], ([t]) => [
      [n, `Bearer ${t}`],
      ['accept', '*/*'],
    ]),
  ),
  header('Authorization: Bearer <opaque>', ['opaque'], ([t]) => [['Authorization', `Bearer ${t}`]]),
  header('Authorization: token <ghp_>', ['ghp'], ([t]) => [['Authorization', `token ${t}`]]),
  header('Authorization: Basic', ['basic'], ([t]) => [['Authorization', `Basic ${t}`]]),
  header('Proxy-Authorization: Basic', ['basic'], ([t]) => [['Proxy-Authorization', `Basic ${t}`]]),
  header('Cookie among others', ['opaque', 'hex'], ([a, b]) => [
    ['Cookie', `theme=dark; session=${a}; csrftoken=${b}; l=en`],
  ]),
  ...[...SECRET_HEADER_NAMES, ...MORE_HEADER_NAMES].map((n) =>
    header(`${n} header`, ['key'], ([t]) => [[n, t!]]),
  ),
  header('X-Goog-Api-Key header', ['google'], ([t]) => [['X-Goog-Api-Key', t!]]),
  header('non-secret header holding sk_live_', ['sk_live'], ([t]) => [
    ['X-Debug', `retry charge with ${t} after 502`],
  ]),
  header('non-secret header holding a DSN', ['password'], ([p]) => [
    ['X-Db', `postgres://app:${url(p!)}@db:5432/app`],
  ]),

  responseHeader('repeated Set-Cookie', ['opaque', 'hex', 'jwt'], ([a, b, c]) => [
    ['Set-Cookie', `session=${a}; Path=/; HttpOnly; Secure; SameSite=Lax`],
    ['set-cookie', `remember=${b}; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/`],
    ['SET-COOKIE', `id_token=${c}; Domain=example.test; Secure`],
  ]),
  responseHeader('Set-Cookie folded into one', ['opaque', 'opaque'], ([a, b]) => [
    ['set-cookie', `sid=${a}; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT, refresh=${b}; HttpOnly`],
  ]),
  responseHeader(
    'Location with access_token',
    ['opaque'],
    ([t]) => [['Location', `https://app.test/cb?access_token=${t}&state=x`]],
    302,
  ),
  responseHeader(
    'Location with id_token fragment',
    ['jwt'],
    ([t]) => [['location', `https://app.test/cb#id_token=${t}&x=1`]],
    302,
  ),
  responseHeader('Link with api_key', ['key'], ([t]) => [
    ['Link', `<https://api.test/items?page=2&api_key=${t}>; rel="next"`],
  ]),
  responseHeader('X-Refresh-Token', ['opaque'], ([t]) => [['X-Refresh-Token', t!]]),

  ...[...QUERY_PARAMS, ...MORE_QUERY_PARAMS].map((p) =>
    query(`query ${p}=`, ['key'], ([t]) => `/v1/s?q=shoes&${p}=${t}&page=2`),
  ),
  ...['password', 'passwd', 'pwd'].map((p) =>
    query(`query ${p}=`, ['password'], ([t]) => `/v1/login?user=ada&${p}=${url(t!)}`),
  ),
  query('query key= (Google)', ['google'], ([t]) => `/maps/api/geocode/json?address=Paris&key=${t}`),
  query(
    'presigned S3 URL',
    ['AKIA', 'sha'],
    ([id, sig]) =>
      `/bucket/r.csv?X-Amz-Credential=${url(`${id}/20261124/eu-west-1/s3/aws4_request`)}&X-Amz-Signature=${sig}`,
  ),
  query('JWT in a path segment', ['jwt'], ([t]) => `/v1/sessions/${t}/refresh`),
  query(
    'token inside an encoded redirect',
    ['opaque'],
    ([t]) => `/login?next=${url(`https://app.test/cb?token=${t}&x=1`)}`,
  ),
  query('token in a non-secret query value', ['sk_test'], ([t]) => `/v1/debug?note=${url(`key ${t}`)}`),
  {
    label: 'URL userinfo user:password',
    kinds: ['password'],
    places: ['outbound-request'],
    build: ([p]) => ({ method: 'GET', path: '/v1/status', userinfo: `svc_app:${url(p!)}`, headers: [] }),
  },
  {
    label: 'URL userinfo x-access-token:ghs_',
    kinds: ['ghs'],
    places: ['outbound-request'],
    build: ([t]) => ({
      method: 'GET',
      path: '/org/repo.git/info/refs',
      userinfo: `x-access-token:${t}`,
      headers: [],
    }),
  },
  {
    label: 'URL userinfo API key as user',
    kinds: ['sk_live'],
    places: ['outbound-request'],
    build: ([t]) => ({ method: 'POST', path: '/v1/charges', userinfo: `${t}:`, headers: [] }),
  },

  body('JSON password', ['password'], JSON_TYPE, ([p]) => json({ user: 'ada', password: p })),
  ...[...JSON_KEYS, ...MORE_JSON_KEYS].map((key, i) =>
    body(`JSON ${key} at depth ${i % 5}`, ['key'], JSON_TYPE, ([t]) =>
      json({ ok: true, r: nest({ [key]: t, id: i }, i % 5) }, i % 2 ? 2 : undefined),
    ),
  ),
  body('JSON array of credentials', ['key', 'key', 'key'], JSON_TYPE, (ts) =>
    json({ keys: ts.map((t, i) => ({ n: i, client_secret: t })) }),
  ),
  body('JSON numeric password', ['pin'], JSON_TYPE, ([p]) => `{"user":"ada","password":${p}}`),
  body('JSON object under a secret key', ['code', 'password'], JSON_TYPE, ([a, b]) =>
    json({ credentials: { user: 'ada', otp: a, passcode: b } }),
  ),
  body('JSON strings holding formats', ['sk_live', 'AKIA', 'jwt'], JSON_TYPE, ([a, b, c]) =>
    json({ message: `charged with ${a}`, note: `key ${b} rotated`, log: `Authorization: Bearer ${c}` }, 2),
  ),
  body('JSON OAuth token response', ['opaque', 'opaque', 'jwt'], JSON_TYPE, ([a, r, i]) =>
    json({ access_token: a, token_type: 'Bearer', expires_in: 3600, refresh_token: r, id_token: i }),
  ),
  body('JSON escaped PEM', ['pem'], JSON_TYPE, ([pem]) =>
    json({ type: 'service_account', private_key_pem: `${pem}\n`, n: 1 }),
  ),
  body('JSON inside a JSON string', ['opaque'], JSON_TYPE, ([t]) =>
    json({ event: 'updated', payload: json({ token: t, n: 1 }) }),
  ),
  body('JSON config with a DSN', ['password'], JSON_TYPE, ([p]) =>
    json({ DATABASE_URL: `postgres://app:${url(p!)}@db:5432/app` }),
  ),
  body('JSON with non-ASCII text', ['password'], 'application/json; charset=utf-8', ([p]) =>
    json({ name: 'Zoë Ångström', city: '東京', password: p }),
  ),
  body('NDJSON lines', ['opaque', 'opaque'], 'application/x-ndjson', (ts) =>
    ts.map((t, i) => `${json({ i, session_token: t })}\n`).join(''),
  ),

  body(
    'form password grant',
    ['password'],
    FORM_TYPE,
    ([p]) => new URLSearchParams({ grant_type: 'password', username: 'ada', password: p! }).toString(),
    REQUEST,
  ),
  body(
    'form client_credentials',
    ['hex'],
    `${FORM_TYPE}; charset=UTF-8`,
    ([c]) => `grant_type=client_credentials&client_id=app&client_secret=${c}`,
    REQUEST,
  ),
  body(
    'form refresh_token and code',
    ['opaque', 'code'],
    FORM_TYPE,
    ([r, c]) => `grant_type=refresh_token&refresh_token=${r}&code=${c}`,
    REQUEST,
  ),
  body(
    'form free field with ghp_',
    ['ghp'],
    FORM_TYPE,
    ([t]) => new URLSearchParams({ comment: `my token is ${t}, revoke`, rating: '5' }).toString(),
    REQUEST,
  ),
  body(
    'form JSON in a field',
    ['opaque'],
    FORM_TYPE,
    ([t]) => new URLSearchParams({ payload: json({ api_token: t }) }).toString(),
    REQUEST,
  ),
  body(
    'form-encoded token response',
    ['gho'],
    FORM_TYPE,
    ([t]) => `access_token=${t}&scope=repo&token_type=bearer`,
    RESPONSE,
  ),

  body(
    'multipart password field',
    ['password'],
    MULTIPART_TYPE,
    ([p]) =>
      multipart([
        ['user', 'ada'],
        ['password', p!],
      ]),
    REQUEST,
  ),
  body(
    'multipart api_key field',
    ['key'],
    MULTIPART_TYPE,
    ([t]) =>
      multipart([
        ['api_key', t!],
        ['file', 'hello', 'text/plain', 'a.txt'],
      ]),
    REQUEST,
  ),
  body(
    'multipart AWS credentials file',
    ['AKIA', 'awsSecret'],
    MULTIPART_TYPE,
    ([id, s]) =>
      multipart([
        [
          'file',
          `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${s}\n`,
          'text/plain',
          'credentials',
        ],
      ]),
    REQUEST,
  ),
  body(
    'multipart JSON part',
    ['opaque'],
    MULTIPART_TYPE,
    ([t]) => multipart([['meta', json({ refreshToken: t }), JSON_TYPE]]),
    REQUEST,
  ),
  body(
    'multipart binary file with sk_live_',
    ['sk_live'],
    MULTIPART_TYPE,
    ([t]) =>
      multipart([
        [
          'blob',
          bin([0x89, 0x50, 0xff, 0x00], `key=${t}`, [0x00, 0xc3, 0x28]),
          'application/octet-stream',
          'x.bin',
        ],
      ]),
    REQUEST,
  ),

  body(
    'log line with a JWT',
    ['jwt'],
    TEXT_TYPE,
    ([t]) => `2026-11-24T08:00:00Z INFO auth ok token=${t} user=42\n`,
  ),
  body(
    'text with Stripe keys',
    ['sk_live', 'sk_test', 'rk_live'],
    TEXT_TYPE,
    (ts) => `live ${ts[0]}\ntest ${ts[1]}\nrestricted ${ts[2]}\n`,
  ),
  body(
    'text with AWS key id and secret',
    ['ASIA', 'awsSecret'],
    TEXT_TYPE,
    ([id, s]) => `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${s}\n`,
  ),
  body('text with GitHub tokens', ['ghp', 'ghr', 'githubPat'], TEXT_TYPE, (ts) => `tokens: ${ts.join(', ')}`),
  body('PEM private key', ['pem'], 'application/x-pem-file', ([pem]) => `${pem}\n`),
  ...SCHEMES.map((scheme) =>
    body(
      `text with a ${scheme}:// DSN`,
      ['password'],
      TEXT_TYPE,
      ([p]) => `url: ${scheme}://svc:${url(p!)}@db0.test:5432/prod?ssl=true\n`,
    ),
  ),
  body('text with redis://:password@', ['key'], TEXT_TYPE, ([p]) => `REDIS_URL=redis://:${p}@cache:6379/0`),
  body(
    'text with Slack and Google keys',
    ['xoxb', 'xoxp', 'google'],
    TEXT_TYPE,
    (ts) => `slack=${ts[0]} user=${ts[1]} maps=${ts[2]}`,
  ),
  body(
    '.env file',
    ['password', 'key'],
    TEXT_TYPE,
    ([p, k]) => `NODE_ENV=production\nDB_PASSWORD=${p}\nINTERNAL_API_TOKEN=${k}\n`,
  ),
  body(
    'YAML config',
    ['password', 'key'],
    'application/yaml',
    ([p, k]) => `db:\n  password: "${p}"\nservice:\n  api_key: ${k}\n`,
  ),
  body(
    'XML body',
    ['password', 'key'],
    'text/xml',
    ([p, k]) => `<Auth><User>ada</User><Password>${p}</Password><ns:ApiKey>${k}</ns:ApiKey></Auth>`,
  ),
  body(
    'HTML CSRF meta and hidden token',
    ['key', 'key'],
    'text/html',
    ([a, b]) =>
      `<head><meta name="csrf-token" content="${a}"></head><form><input type="hidden" name="authenticity_token" value="${b}"></form>`,
  ),

  body('binary body with embedded keys', ['sk_live', 'AKIA'], 'application/octet-stream', ([a, b]) =>
    bin([0x0a, 0x84, 0xff, 0x00], a!, [0x12, 0xc0], b!, [0xfe, 0x80]),
  ),
  body('protobuf-like body with a JWT', ['jwt'], 'application/x-protobuf', ([t]) =>
    bin([0x08, 0x96, 0x01, 0x12, 0x7f, 0x01], t!, [0x1a, 0xe2, 0x82, 0xff]),
  ),

  body(
    'gzip JSON with a token',
    ['opaque'],
    JSON_TYPE,
    ([t]) => json({ session: { token: t } }),
    ALL,
    coded('gzip'),
  ),
  body(
    'br text with sk_live_',
    ['sk_live'],
    TEXT_TYPE,
    ([t]) => `remember to rotate ${t} today`,
    ALL,
    coded('br'),
  ),
  body(
    'gzip form body',
    ['password'],
    FORM_TYPE,
    ([p]) => `user=ada&password=${url(p!)}`,
    REQUEST,
    coded('gzip'),
  ),
  body(
    'gzip JSON in chunks',
    ['key'],
    JSON_TYPE,
    ([t]) => json({ apiKey: t, items: [1, 2, 3] }),
    RESPONSE,
    (b, v) => ({
      ...coded('gzip')(),
      ...chunked(0.5)(b, v),
    }),
  ),

  body(
    'JSON token split across two chunks',
    ['opaque'],
    JSON_TYPE,
    ([t]) => json({ data: { token: t, ok: true } }),
    RESPONSE,
    chunked(0.5),
  ),
  body(
    'SSE with tokens split mid-event',
    ['opaque', 'jwt'],
    'text/event-stream',
    ([a, b]) => `event: token\ndata: {"access_token":"${a}"}\n\nevent: log\ndata: issued Bearer ${b}\n\n`,
    RESPONSE,
    chunked(0.3, 0.9),
  ),
  body(
    'PEM split over three chunks',
    ['pem'],
    TEXT_TYPE,
    ([pem]) => `${pem}\n`,
    RESPONSE,
    chunked(20, 400, 900),
  ),
  body(
    'text JWT split into four chunks',
    ['jwt'],
    TEXT_TYPE,
    ([t]) => `ok jwt=${t} end`,
    RESPONSE,
    chunked(0.05, 0.3, 0.7),
  ),

  body(
    'truncated inside a JSON token',
    ['opaque'],
    JSON_TYPE,
    ([t]) => json({ user: 'ada', token: t, more: 'x'.repeat(200) }),
    ALL,
    cutAt(0.5),
  ),
  body(
    'truncated inside sk_live_ in text',
    ['sk_live'],
    TEXT_TYPE,
    ([t]) => `header\nkey ${t} trailer ${'y'.repeat(100)}`,
    ALL,
    cutAt(0.6),
  ),
  body(
    'truncated inside a JWT',
    ['jwt'],
    TEXT_TYPE,
    ([t]) => `Bearer ${t} ${'z'.repeat(64)}`,
    ALL,
    cutAt(0.4),
  ),
  body('truncated inside a PEM block', ['pem'], TEXT_TYPE, ([pem]) => `${pem}\n`, ALL, cutAt(300)),

  // URLs percent-encoded into other URLs, in bodies: an upstream echoing the URL it was called with.
  body('JSON echo of a URL holding an encoded URL', ['key', 'key'], JSON_TYPE, ([up, k]) =>
    json({ url: `/data?api_key=${up}&q=${url(`/search?api_key=${k}&q=hello`)}`, items: [] }),
  ),
  body('JSON string that is an encoded URL', ['opaque'], JSON_TYPE, ([t]) =>
    json({ next: url(`https://app.test/cb?access_token=${t}&x=1`) }),
  ),
  body('escaped JSON echo of an absolute URL', ['key'], JSON_TYPE, ([k]) =>
    json({ url: `https://up.test/data?q=${url(`/search?apikey=${k}`)}` }).replaceAll('/', '\\/'),
  ),
  body(
    'log line with a doubly encoded URL',
    ['code'],
    TEXT_TYPE,
    ([c]) => `GET /login?next=${url(url(`/oauth/cb?code=${c}&state=1`))} 302\n`,
  ),
  body(
    'HTML link with an encoded name (api%5Fkey)',
    ['key'],
    'text/html',
    ([k]) => `<a href="/go?to=${url(`/search?api%5Fkey=${k}`)}">next</a>`,
  ),
  body(
    'JSON encoded URL split across chunks',
    ['opaque'],
    JSON_TYPE,
    ([t]) => json({ redirect: `/cb?next=${url(`/account?session_token=${t}`)}` }),
    RESPONSE,
    chunked(0.5),
  ),
  query(
    'token inside a doubly encoded redirect',
    ['opaque'],
    ([t]) => `/login?next=${url(url(`https://app.test/cb?token=${t}&x=1`))}`,
  ),
]

function buildCorpus(): SecretCase[] {
  const cases: SecretCase[] = []
  for (const recipe of RECIPES) {
    for (const where of recipe.places) {
      const make = kinds(random(SEED + cases.length * 7919))
      const generated = recipe.kinds.map((kind) => make[kind]())
      const message = recipe.build(
        generated.map((g) => g[0]!),
        where,
      )
      cases.push({ ...message, name: `${where}: ${recipe.label}`, where, secrets: generated.flat() })
    }
  }
  return cases
}

/**
 * Every case of the corpus (more than 200), in a fixed order with fixed secrets.
 * @example for (const c of SECRET_CORPUS) expect(findLeaks(redacted(c), c.secrets)).toEqual([])
 */
export const SECRET_CORPUS: readonly SecretCase[] = Object.freeze(buildCorpus())

/**
 * The bytes a case's body travels as (compressed when it has a `contentEncoding`).
 * @example res.end(wireBody(c))
 */
export function wireBody(c: SecretCase): Buffer {
  const body = c.body ?? Buffer.alloc(0)
  if (c.contentEncoding === 'gzip') return gzipSync(body)
  if (c.contentEncoding === 'br') return brotliCompressSync(body)
  return body
}

/**
 * For a case recorded with `maxBodyBytes`, the beginning of each secret the cut went through (at least
 * 6 characters): none of them may remain in the redacted recording.
 * @example findLeaks(text, cutPrefixes(c))
 */
export function cutPrefixes(c: SecretCase): string[] {
  if (c.maxBodyBytes === undefined || c.body === undefined) return []
  const cut = c.maxBodyBytes
  return c.secrets.flatMap((secret) => {
    const at = c.body!.indexOf(secret)
    return at !== -1 && at < cut && cut < at + secret.length && cut - at >= 6
      ? [secret.slice(0, cut - at)]
      : []
  })
}

/**
 * A recording like the recorder writes for a case: the secrets sit in the inbound exchange or in its one
 * outbound call, the body bounded by `maxBodyBytes`, stored decoded, with its chunk timeline.
 * @example redactor.recording(recordingOf(SECRET_CORPUS[0]!))
 */
export function recordingOf(c: SecretCase, index = 0): Recording {
  const request = isRequest(c.where)
  const body =
    c.body === undefined
      ? undefined
      : {
          ...bodyFromBytes(c.body, c.maxBodyBytes),
          ...(c.contentEncoding && { contentEncoding: c.contentEncoding }),
        }
  const origin = c.where.startsWith('inbound')
    ? 'http://app.example.test'
    : `https://${c.userinfo ? `${c.userinfo}@` : ''}api.upstream.test`
  const exchange: Exchange = {
    request: {
      method: c.method,
      url: `${origin}${c.path}`,
      headers: request ? c.headers : [['accept', '*/*']],
      ...(request && body && { body }),
    },
    response: {
      status: c.status ?? 200,
      headers: request ? [['content-type', 'application/json']] : c.headers,
      ...(request ? { body: bodyFromBytes(Buffer.from('{"ok":true}')) } : body && { body }),
      ...(!request &&
        c.chunks && { chunks: c.chunks.map((chunk, i) => ({ offsetMs: i * 5, size: chunk.byteLength })) }),
    },
    startedAtMs: 1,
    durationMs: 10,
  }
  const plain: Exchange = {
    request: { method: 'GET', url: 'http://app.example.test/run', headers: [['accept', '*/*']] },
    response: { status: 200, headers: [], body: bodyFromBytes(Buffer.from('done')) },
    startedAtMs: 0,
    durationMs: 20,
  }
  const inbound = c.where.startsWith('inbound')
  return {
    id: `secret-case-${index}`,
    recordedAt: '2026-11-24T08:00:00.000Z',
    meta: { service: 'corpus', environment: 'test' },
    inbound: inbound ? { ...exchange, startedAtMs: 0 } : plain,
    outbound: inbound ? [] : [exchange],
    nondeterminism: { clock: [], random: [], uuids: [] },
  }
}

/** The base64 texts that appear inside any base64 blob holding `secret`, at each of the three alignments. */
function base64Needles(secret: string, alphabet: 'base64' | 'base64url'): string[] {
  const bytes = Buffer.from(secret)
  return [0, 1, 2].flatMap((offset) => {
    const aligned = bytes.subarray(offset, offset + Math.floor((bytes.byteLength - offset) / 3) * 3)
    return aligned.byteLength >= 6 ? [aligned.toString(alphabet)] : []
  })
}

/**
 * Every place a secret appears in `haystack`, in any of the encodings a recording could hold it in:
 * raw, `encodeURIComponent` (once or twice), form encoding (`+` for spaces), JSON-escaped (once or twice:
 * a JSON body inside a recording line), and base64 or
 * base64url at every alignment (so a secret inside a larger base64 body is found).
 * @example expect(findLeaks(await readFile(segment), c.secrets)).toEqual([])
 */
export function findLeaks(haystack: Buffer | string, secrets: readonly string[]): Leak[] {
  const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1')
  const leaks: Leak[] = []
  secrets.forEach((secret, index) => {
    if (secret.length < 6) return
    const forms: Array<[Leak['form'], string]> = [
      ['raw', secret],
      ['uri', encodeURIComponent(secret)],
      ['uri-twice', encodeURIComponent(encodeURIComponent(secret))],
      ['form', new URLSearchParams({ s: secret }).toString().slice(2)],
      ['json', JSON.stringify(secret).slice(1, -1)],
      ['json', JSON.stringify(secret).slice(1, -1).replaceAll('/', '\\/')],
      // A JSON body inside a recording line: escaped once in the body, once more in the line.
      ['json-twice', JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1)],
      ...base64Needles(secret, 'base64').map((needle): [Leak['form'], string] => ['base64', needle]),
      ...base64Needles(secret, 'base64url').map((needle): [Leak['form'], string] => ['base64url', needle]),
    ]
    const seen = new Set<string>()
    for (const [form, needle] of forms) {
      if (seen.has(needle)) continue
      seen.add(needle)
      const at = text.indexOf(needle)
      if (at !== -1) leaks.push({ secret: index, form, index: at })
    }
  })
  return leaks
}
