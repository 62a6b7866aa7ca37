/**
 * The redaction engine piece by piece: headers, URLs, bodies by content type, free text, checkpoint
 * values, exchanges; placeholders, keys, options, and ordinary data left alone.
 */
import { createHash, randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRedactor, DEFAULT_REDACTION_KEY, redactedPlaceholder } from '../../src/record/index.ts'
import { createRedactContext } from '../../src/record/redact/create-redactor.ts'
import { memoizedHeaderValue, redactHeaderValue } from '../../src/record/redact/header-secrets.ts'
import { redactByteString } from '../../src/record/redact/redact-bytes.ts'
import {
  createNameMatcher,
  DEFAULT_SECRET_BODY_KEYS,
  DEFAULT_SECRET_QUERY_PARAMS,
  secretNameTerms,
} from '../../src/record/redact/secret-names.ts'
import { termScan } from '../../src/record/redact/term-scan.ts'
import { bodyFromBytes, bodyText } from '../../src/recording/body.ts'
import type { Exchange } from '../../src/recording/types.ts'

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiaWF0IjoxNzY0MDAwMDAwfQ.Dq9Jz1uTq8vR0cYwMx2c3sE5Xq0pL7sY3fK2bN4mV1A'
const STRIPE = 'sk_live_51HqLyjWDarjtT1zdp7dc4eC39'
const P = (secret: string, key = DEFAULT_REDACTION_KEY) => redactedPlaceholder(key, secret)
const U = (secret: string, key = DEFAULT_REDACTION_KEY) =>
  encodeURIComponent(redactedPlaceholder(key, secret))

describe('redactor: headers', () => {
  const redactor = createRedactor()

  it('headers: redacts secret names in any case, keeping the auth scheme, cookie names and Set-Cookie attributes', () => {
    const out = redactor.headers([
      ['AUTHORIZATION', `Bearer ${JWT}`],
      ['Cookie', 'theme=dark; sid=s3cr3t-sid'],
      ['Set-Cookie', 'sid=abc123; Path=/; HttpOnly'],
      ['set-cookie', 'refresh=def456; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure'],
      ['X-Api-Key', 'k-12345'],
      ['X-Internal-Token', 'tok-123'],
      ['Accept', 'text/plain'],
    ])
    expect(out).toEqual([
      ['AUTHORIZATION', `Bearer ${P(JWT)}`],
      ['Cookie', `theme=${P('dark')}; sid=${P('s3cr3t-sid')}`],
      ['Set-Cookie', `sid=${P('abc123')}; Path=/; HttpOnly`],
      ['set-cookie', `refresh=${P('def456')}; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure`],
      ['X-Api-Key', P('k-12345')],
      ['X-Internal-Token', P('tok-123')],
      ['Accept', 'text/plain'],
    ])
  })

  it('headers: splits Set-Cookie values folded into one header, and keeps an unknown scheme out of sight', () => {
    const [[, folded], [, custom]] = redactor.headers([
      ['set-cookie', 'a=1x; Expires=Wed, 21 Oct 2026 07:28:00 GMT, b=2y; Path=/'],
      ['Authorization', 'sk_live_notascheme 123'],
    ]) as [[string, string], [string, string]]
    expect(folded).toBe(`a=${P('1x')}; Expires=Wed, 21 Oct 2026 07:28:00 GMT, b=${P('2y')}; Path=/`)
    expect(custom).toBe(P('sk_live_notascheme 123'))
  })

  it('headers: scans every other value with the text rules, URLs in Location and Link as URLs', () => {
    const out = redactor.headers([
      ['X-Debug', `retry with ${STRIPE}`],
      ['Location', 'https://app.test/cb?access_token=abc123def&state=x'],
      ['Link', '<https://api.test/items?page=2&api_key=k999>; rel="next"'],
    ])
    expect(out).toEqual([
      ['X-Debug', `retry with ${P(STRIPE)}`],
      ['Location', `https://app.test/cb?access_token=${U('abc123def')}&state=x`],
      ['Link', `<https://api.test/items?page=2&api_key=${U('k999')}>; rel="next"`],
    ])
  })

  it('headers: the same secret gives the same placeholder in a header, a query and a body; another key another one', () => {
    const other = createRedactor({ key: 'another-key' })
    const [[, header]] = redactor.headers([['Authorization', `Bearer ${JWT}`]]) as [[string, string]]
    expect(header).toBe(`Bearer ${P(JWT)}`)
    expect(redactor.url(`https://api.test/x?token=${JWT}`)).toBe(`https://api.test/x?token=${U(JWT)}`)
    expect(redactor.text(JSON.stringify({ token: JWT }))).toBe(JSON.stringify({ token: P(JWT) }))
    expect(other.text(JSON.stringify({ token: JWT }))).toBe(JSON.stringify({ token: P(JWT, 'another-key') }))
    expect(P(JWT)).not.toBe(P(JWT, 'another-key'))
  })
})

describe('redactor: URLs', () => {
  const redactor = createRedactor()

  it('url: redacts userinfo, secret query and fragment params, tokens in the path and inside encoded values', () => {
    const next = encodeURIComponent('https://app.test/cb?token=zz9zz9&x=1')
    const url = `https://svc:p%40ss@api.test/v1/sessions/${JWT}/x?q=a+b&access_token=abc1&next=${next}#id_token=t0k3n`
    const out = redactor.url(url)
    expect(out).toBe(
      `https://svc:${U('p%40ss')}@api.test/v1/sessions/${U(JWT)}/x?q=a+b&access_token=${U('abc1')}` +
        `&next=${encodeURIComponent(`https://app.test/cb?token=${U('zz9zz9')}&x=1`)}#id_token=${U('t0k3n')}`,
    )
    expect(new URL(out).searchParams.get('access_token')).toBe(P('abc1'))
    expect(redactor.url(out)).toBe(out)
  })

  it('url: leaves a URL without secrets byte for byte as it was', () => {
    for (const url of [
      'https://example.test/a/b?page=2&sort=desc&q=hello%20world#top',
      '/relative/path?x=1',
      'http://127.0.0.1:4100/docs?q=x',
    ])
      expect(redactor.url(url)).toBe(url)
  })
})

describe('redactor: bodies', () => {
  const redactor = createRedactor()
  const text = (body: string, type?: string) => redactor.bytes(Buffer.from(body), type).toString()

  it('bytes: JSON keys at any depth and in any spelling, numbers, objects under a secret key, span edits only', () => {
    const body =
      '{\n  "user": "ada",\n  "a": [{"API-KEY": "k1"}, {"apiKey": "k2", "api_key": 7}],\n  "credentials": {"otp": "123456", "n": 1}\n}'
    expect(text(body, 'application/json')).toBe(
      `{\n  "user": "ada",\n  "a": [{"API-KEY": "${P('k1')}"}, {"apiKey": "${P('k2')}", "api_key": "${P('7')}"}],\n  "credentials": {"otp": "${P('123456')}", "n": 1}\n}`,
    )
  })

  it('bytes: text rules inside JSON strings, escaped ones (PEM with \\n, JSON inside JSON) decoded first', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----'
    const body = JSON.stringify({ note: `use ${STRIPE}`, pem, inner: JSON.stringify({ token: 'abc' }) })
    expect(JSON.parse(text(body, 'application/json'))).toEqual({
      note: `use ${P(STRIPE)}`,
      pem: P(pem),
      inner: JSON.stringify({ token: P('abc') }),
    })
  })

  it('bytes: form fields by name, and text rules in decoded values', () => {
    const body = `grant_type=password&username=ada&password=hunter%2122&comment=my+key+${STRIPE}`
    expect(text(body, 'application/x-www-form-urlencoded')).toBe(
      `grant_type=password&username=ada&password=${U('hunter!22')}&comment=my+key+${U(STRIPE)}`,
    )
  })

  it('bytes: multipart fields by name, and each part by its own content type', () => {
    const part = (head: string, content: string) => `--XyZ\r\n${head}\r\n\r\n${content}\r\n`
    const body =
      part('Content-Disposition: form-data; name="user"', 'ada') +
      part('Content-Disposition: form-data; name="Password"', 'hunter22') +
      part(
        'Content-Disposition: form-data; name="cfg"\r\nContent-Type: application/json',
        '{"client_secret":"s3"}',
      ) +
      '--XyZ--\r\n'
    expect(text(body, 'multipart/form-data; boundary=XyZ')).toBe(
      part('Content-Disposition: form-data; name="user"', 'ada') +
        part('Content-Disposition: form-data; name="Password"', P('hunter22')) +
        part(
          'Content-Disposition: form-data; name="cfg"\r\nContent-Type: application/json',
          `{"client_secret":"${P('s3')}"}`,
        ) +
        '--XyZ--\r\n',
    )
  })

  it('bytes: free text by patterns — JWT, Stripe, AWS, GitHub, Slack, Google, PEM, connection strings', () => {
    const aws = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
    const body = [
      `jwt ${JWT}`,
      'AKIAIOSFODNN7EXAMPLE',
      `aws_secret_access_key = ${aws}`,
      'ghp_0123456789abcdefghijABCDEFGHIJ012345',
      'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
      'AIzaSyA1234567890abcdefghijklmnopqrstuv',
      'mongodb+srv://app:Pa55word@cluster0.example.test/db',
      'redis://:r3dis@cache:6379',
    ].join('\n')
    expect(text(body, 'text/plain')).toBe(
      [
        `jwt ${P(JWT)}`,
        P('AKIAIOSFODNN7EXAMPLE'),
        `aws_secret_access_key = ${P(aws)}`,
        P('ghp_0123456789abcdefghijABCDEFGHIJ012345'),
        P('xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'),
        P('AIzaSyA1234567890abcdefghijklmnopqrstuv'),
        `mongodb+srv://app:${U('Pa55word')}@cluster0.example.test/db`,
        `redis://:${U('r3dis')}@cache:6379`,
      ].join('\n'),
    )
  })

  it('bytes: a binary body still gets the ASCII patterns, and stays binary', () => {
    const body = Buffer.concat([
      Buffer.from([0xff, 0x00, 0xc3]),
      Buffer.from(STRIPE),
      Buffer.from([0x80, 0xfe]),
    ])
    const out = redactor.bytes(body, 'application/octet-stream')
    expect(out).toEqual(
      Buffer.concat([Buffer.from([0xff, 0x00, 0xc3]), Buffer.from(P(STRIPE)), Buffer.from([0x80, 0xfe])]),
    )
  })

  it('body: recomputes size and sha256, keeps contentEncoding; a truncated body loses the token cut in half, keeps the whole size and digest', () => {
    const full = Buffer.from(`{"note":"key ${STRIPE} rest"}`)
    const stored = { ...bodyFromBytes(full), contentEncoding: 'gzip' }
    const out = redactor.body(stored, 'application/json')
    const expected = Buffer.from(`{"note":"key ${P(STRIPE)} rest"}`)
    expect(out).toEqual({ ...bodyFromBytes(expected), contentEncoding: 'gzip' })

    const cut = bodyFromBytes(full, full.indexOf(STRIPE) + 12)
    const truncated = redactor.body(cut, 'application/json')
    const kept = `{"note":"key ${P(STRIPE.slice(0, 12))}`
    expect(bodyText(truncated)).toBe(kept)
    // Size and digest still describe the whole body as it crossed the wire.
    expect(truncated).toMatchObject({
      truncated: true,
      size: full.byteLength,
      sha256: createHash('sha256').update(full).digest('hex'),
    })
  })
})

describe('redactor: exchanges and values', () => {
  const redactor = createRedactor()

  it('exchange: fixes content-length and moves the chunk timeline through the edits', () => {
    const body = Buffer.from(`{"data":{"token":"${'t'.repeat(40)}","ok":true}}`)
    const split = body.indexOf('t'.repeat(40)) + 20
    const exchange: Exchange = {
      request: { method: 'GET', url: 'http://api.test/x', headers: [] },
      response: {
        status: 200,
        headers: [
          ['content-type', 'application/json'],
          ['Content-Length', String(body.byteLength)],
        ],
        body: bodyFromBytes(body),
        chunks: [
          { offsetMs: 0, size: split },
          { offsetMs: 7, size: body.byteLength - split },
        ],
      },
      startedAtMs: 0,
      durationMs: 9,
    }
    const out = redactor.exchange(exchange)
    const redacted = `{"data":{"token":"${P('t'.repeat(40))}","ok":true}}`
    expect(bodyText(out.response.body)).toBe(redacted)
    expect(out.response.headers[1]).toEqual(['Content-Length', String(redacted.length)])
    expect(out.response.chunks).toEqual([
      { offsetMs: 0, size: redacted.indexOf(',"ok"') },
      { offsetMs: 7, size: redacted.length - redacted.indexOf(',"ok"') },
    ])
  })

  it('value: checkpoint values by key (plain and map keys) and by text rules, bytes as bodies', () => {
    const value = {
      user: 'ada',
      apiKey: 'k-1',
      nested: [{ note: `use ${STRIPE}` }],
      map: {
        $parallax: 'map',
        entries: [
          ['password', 'pw1'],
          ['x', 1],
        ],
      },
      raw: { $parallax: 'bytes', base64: Buffer.from(`token=${JWT}`).toString('base64') },
    }
    expect(redactor.value(value)).toEqual({
      user: 'ada',
      apiKey: P('k-1'),
      nested: [{ note: `use ${P(STRIPE)}` }],
      map: {
        $parallax: 'map',
        entries: [
          ['password', P('pw1')],
          ['x', 1],
        ],
      },
      raw: { $parallax: 'bytes', base64: Buffer.from(`token=${P(JWT)}`).toString('base64') },
    })
  })
})

describe('redactor: options and ordinary data', () => {
  it('createRedactor: names and patterns can be added and removed', () => {
    const redactor = createRedactor({
      headers: { add: ['x-session'], remove: ['cookie'] },
      query: { remove: ['code'] },
      bodyKeys: { add: ['ssn'] },
      patterns: { add: [{ name: 'acme-key', pattern: 'acme_[a-z0-9]{8}' }], remove: ['stripe-key'] },
    })
    expect(
      redactor.headers([
        ['X-Session', 's1'],
        ['Cookie', 'a=1'],
      ]),
    ).toEqual([
      ['X-Session', P('s1')],
      ['Cookie', 'a=1'],
    ])
    expect(redactor.url('https://a.test/cb?code=US&key=abc')).toBe(
      `https://a.test/cb?code=US&key=${U('abc')}`,
    )
    expect(redactor.text(`{"ssn":"078-05-1120","k":"acme_1234abcd ${STRIPE}"}`)).toBe(
      `{"ssn":"${P('078-05-1120')}","k":"${P('acme_1234abcd')} ${STRIPE}"}`,
    )
  })

  it('createRedactor: a bad pattern, an unknown rule or an empty key is a typed error that shows no secret', () => {
    expect(() => createRedactor({ patterns: { add: [{ name: 'bad', pattern: '([' }] } })).toThrowError(
      expect.objectContaining({
        code: 'PARALLAX_USAGE',
        message: expect.stringMatching(/^Failed to create the redactor: pattern "bad"/),
      }),
    )
    expect(() => createRedactor({ patterns: { remove: ['no-such-rule'] } })).toThrowError(
      expect.objectContaining({ code: 'PARALLAX_USAGE', hint: expect.stringContaining('jwt') }),
    )
    expect(() => createRedactor({ key: '' })).toThrowError(
      expect.objectContaining({ code: 'PARALLAX_USAGE' }),
    )
  })

  it('text: leaves prose, UUIDs, hashes, base64 images, code and ordinary API JSON unchanged', () => {
    const redactor = createRedactor()
    const ordinary = [
      'The password reset flow sends a token by email. Keep your API key secret. Password: must be long.',
      '6f1c2a8e-0b7d-4e8a-9c1f-2d3e4f5a6b7c 0af7651916cd43dd8448eb211c80319c',
      createHash('sha256').update('x').digest('hex'),
      JSON.stringify({ image: `data:image/png;base64,${randomBytes(20_000).toString('base64')}` }),
      randomBytes(20_000).toString('base64url'),
      'const token = lexer.next(); const apiKey = config.apiKey; if (password(len)) {}',
      // The Fetch API's `credentials` option, in every page that calls fetch.
      `fetch(url, { credentials: "omit" }); fetch(url, { credentials: 'same-origin' }); init.credentials = "include"`,
      JSON.stringify({
        max_tokens: 256,
        usage: { prompt_tokens: 12 },
        token_type: 'Bearer',
        next_page_token: 'CAESBggB',
      }),
      JSON.stringify([
        { key: 'color', value: 'blue' },
        { code: 'ENOENT', message: 'no such file' },
      ]),
      '<div class="sk-spinner-fading-circle"><a href="/search?q=shoes&page=2">Next</a></div>',
      'pk_live_51H8xXyZabcdefghijklmnop is a publishable key; commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
    ]
    for (const text of ordinary) expect(redactor.text(text)).toBe(text)
    // Anything else assigned to `credentials` is still taken for a secret.
    expect(redactor.text('credentials: "omit-9f2Kq7"')).toBe(`credentials: "${P('omit-9f2Kq7')}"`)
  })
})

describe('redactor: the clean-text fast path', () => {
  const holdsSecretName = () =>
    termScan({
      exact: [],
      normalized: secretNameTerms([
        createNameMatcher(DEFAULT_SECRET_BODY_KEYS),
        createNameMatcher(DEFAULT_SECRET_QUERY_PARAMS),
      ])!,
    })!

  it('secret name terms: a scan is false for clean JSON, true for any spelling of a secret name, even inside a longer word', () => {
    const test = holdsSecretName()
    expect(test?.('{"items":[{"id":1,"name":"item 1","price":3.5}]}')).toBe(false)
    for (const text of [
      '{"API-Key":"x"}',
      'client.Secret = 1',
      'pass_word=',
      '<input name="access_token">',
      'monkey',
    ]) {
      expect(test?.(text), text).toBe(true)
    }
  })

  it('secret name terms: a scan is true exactly when a name appears in the text with everything but letters and digits dropped', () => {
    const test = holdsSecretName()
    const terms =
      /password|passwd|pwd|secret|token|cookie|passphrase|key|auth|sig|code|session|jwt|credential/
    // The reference: lower-case the ASCII letters, drop every other byte, look for a term.
    const normalized = (text: string) => text.replace(/[^A-Za-z0-9]/g, '').toLowerCase()
    const unit = fc.constantFrom(...'keyKEYsigSIGpwdjwtAUTHauth-_ .:"\\é\u00ff\u0131\u212a01'.split(''))
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 24 }), (text) => {
        expect(test(text)).toBe(terms.test(normalized(text)))
      }),
      { numRuns: 2000 },
    )
  })

  it('termScan: true exactly when an exact term occurs as is or a normalized term in the letters and digits', () => {
    const exact = ['eyJ', 'earer', '_live_', 'ab', 'abc', 'bca', '%', '\\', 'x\u0100']
    const normalized = ['key', 'pwd', 'auth', 'ab9']
    const scan = termScan({ exact, normalized })!
    // The reference: each exact term searched as it is, each normalized one in the lower-cased letters
    // and digits (bytes above 255 dropped); a term with a char above 255 never occurs in a byte string.
    const folded = (text: string) => text.replace(/[^A-Za-z0-9]/g, '').toLowerCase()
    const reference = (text: string) =>
      exact.some((term) => !/[^\0-\xff]/.test(term) && text.includes(term)) ||
      normalized.some((term) => folded(text).includes(term))
    const unit = fc.constantFrom(...'eyJearBERabc9_liv%\\KEYpwdauth -\u0100\u212a\u00e9'.split(''))
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 30 }), (text) => {
        expect(scan(text)).toBe(reference(text))
      }),
      { numRuns: 3000 },
    )
    expect(scan('{"items":[{"id":1}]}')).toBe(false)
    expect(scan('Be\u0100arer')).toBe(false)
    expect(termScan({ exact: [], normalized: [] })!('anything')).toBe(false)
  })

  it('termScan: finds a term split across the 64 KiB windows a long text is read in, and none in clean filler', () => {
    const scan = termScan({ exact: ['eyJ', '_live_'], normalized: ['password'] })!
    const filler = (length: number) => '{"a":1} '.repeat(Math.ceil(length / 8)).slice(0, length)
    const window = 64 * 1024
    expect(scan(filler(3 * window))).toBe(false)
    for (const [before, after] of [
      ['e', 'yJ'],
      ['ey', 'J'],
      ['sk_li', 've_'],
      ['"Pass-', '-Word"'],
      ['pass', 'word'],
    ]) {
      for (const at of [window, 2 * window]) {
        const text = filler(at - before!.length) + before + after + filler(window)
        expect(scan(text), `${before}|${after} at ${at}`).toBe(true)
      }
    }
    // A term broken by the window edge's neighbourhood is not invented: "pas" + filler + "sword".
    expect(scan(`${filler(window - 3)}pas${filler(64)}sword`)).toBe(false)
  })

  it('termScan: finds a term across the four lanes a long text is walked in, wherever it lies', () => {
    const exact = ['eyJ', '_live_', '%']
    const normalized = ['password', 'key']
    const scan = termScan({ exact, normalized })!
    const length = 4096
    const lane = length >> 2
    // Clean bytes around the plant: letters (so a normalized term's state matters) and punctuation.
    const filler = '{"id":9,"name":"Bob","tags":["a","b"]} '.repeat(length).slice(0, length)
    expect(scan(filler)).toBe(false)
    const plants = ['eyJ', '_live_', '%', 'password', 'PASS-WORD', 'pass"}, {"word', 'key', 'K.E.Y']
    for (const plant of plants) {
      for (const boundary of [lane, 2 * lane, 3 * lane]) {
        for (let offset = -plant.length; offset <= 1; offset++) {
          const at = boundary + offset
          const text = filler.slice(0, at) + plant + filler.slice(at + plant.length)
          expect(scan(text), `${plant} at ${at}`).toBe(true)
        }
      }
    }
    // A normalized term whose letters are far apart: a lane starts back by as many letters, not bytes.
    const spread = `${'-'.repeat(lane - 4)}pass${'-'.repeat(2 * lane)}word${'-'.repeat(lane)}`
    expect(scan(spread)).toBe(true)
    expect(scan(spread.replace('word', 'wor'))).toBe(false)
    // Against the reference on random long texts of term pieces, filler and long punctuation runs.
    const folded = (text: string) => text.replace(/[^A-Za-z0-9]/g, '').toLowerCase()
    const reference = (text: string) =>
      exact.some((term) => text.includes(term)) || normalized.some((term) => folded(text).includes(term))
    const piece = fc.oneof(
      fc.constantFrom('pass', 'wor', 'd', 'ke', 'y', 'e', 'yJ', '_li', 've_', 'K', 'EY', 'a1', '9'),
      fc.constantFrom('-', '--', '": "', ' '.repeat(300), '.'.repeat(700)),
    )
    fc.assert(
      fc.property(fc.array(piece, { minLength: 60, maxLength: 400 }), (pieces) => {
        const text = pieces.join('')
        expect(scan(text)).toBe(reference(text))
      }),
      { numRuns: 1000 },
    )
  })

  it('termScan: too many terms for dense tables gives no scan (the redactor then takes its full path)', () => {
    const many = Array.from({ length: 1000 }, (_, i) => `term${i.toString(36)}xyzw`)
    expect(termScan({ exact: many, normalized: [] })).toBeUndefined()
    expect(termScan({ exact: many.slice(0, 100), normalized: [] })?.('..term2rxyzw..')).toBe(true)
  })

  it('plain headers: the fast path gives what the full redaction of the header gives, for any name and value', () => {
    const ctx = createRedactContext({ headers: { add: ['x-session'] } })
    const full = { ...ctx, plainHeader: undefined }
    const name = fc.oneof(
      fc.constantFrom(
        'Accept',
        'X-Request-Id',
        'Location',
        'content-location',
        'Refresh',
        'Link',
        'X-Api-Key',
      ),
      fc.constantFrom('Cookie', 'Set-Cookie', 'Authorization', 'x-internal-token', 'X-Session', 'x_Sess-ion'),
      fc.string({ unit: fc.constantFrom(...'aekyAKYtoSsin-_x '.split('')), maxLength: 12 }),
    )
    const piece = fc.constantFrom(
      'application/json',
      'Bearer ',
      'eyJhbGciOiJIUzI1NiJ9',
      'sk_live_51HqLyjWDarjtT1zdp7dc4eC39',
      'https://u:p@h.test/?token=abc',
      'key=v',
      '%41',
      '\\',
      '\u00e9',
      '\u0131',
      ' ',
      'x',
    )
    const value = fc.array(piece, { maxLength: 5 }).map((parts) => parts.join(''))
    fc.assert(
      fc.property(name, value, (n, v) => {
        expect(memoizedHeaderValue(n, v, ctx)).toBe(redactHeaderValue(n, v, full))
      }),
      { numRuns: 2000 },
    )
    expect(ctx.plainHeader?.('Accept', 'application/json')).toBe(true)
    expect(ctx.plainHeader?.('X-Session', 'abc')).toBe(false)
    expect(ctx.plainHeader?.('Referer', 'https://h.test/')).toBe(false)
  })

  it('quiet: a text the one-pass test lets through is one the full redaction leaves unchanged, names split by escapes included', () => {
    const ctx = createRedactContext({})
    const full = { ...ctx, quiet: undefined }
    // The reference is the full redaction: whatever it would change, the one-pass test must not call quiet.
    const piece = fc.constantFrom(
      'api',
      '_key',
      'key',
      'ke',
      'y',
      'to',
      'ken',
      '%5F',
      '%5f',
      '%3D',
      '%3F',
      '%2F',
      '%25',
      '%',
      '\\u0025',
      '\\',
      '=',
      '?',
      '&',
      '/search',
      'http://h/d',
      'q',
      'S3cretVal9',
      '"',
      ':',
      ' ',
      'é',
    )
    const text = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''))
    fc.assert(
      fc.property(text, (t) => {
        const bytes = Buffer.from(t, 'utf8').toString('latin1')
        if (ctx.quiet?.(bytes)) expect(redactByteString(bytes, full, { textual: true }).text).toBe(bytes)
      }),
      { numRuns: 3000 },
    )
    expect(ctx.quiet?.('see /d?q=%2Fsearch%3Fapi_key%3DSECRET')).toBe(false)
    expect(ctx.quiet?.('see /d?q=\\u002Fsearch\\u003Fapi_key')).toBe(false)
  })

  it('createRedactor: a body the fast path passes is returned unchanged, and secrets right beside it are still found', () => {
    const redactor = createRedactor()
    const clean = Buffer.from('{"items":[{"id":1,"name":"item 1","price":3.5}]}')
    expect(redactor.bytes(clean, 'application/json').equals(clean)).toBe(true)
    const escaped = Buffer.from('{"items":[{"id":1,"\\u0070assword":"hunter2-escaped"}]}')
    expect(redactor.bytes(escaped, 'application/json').toString()).not.toContain('hunter2-escaped')
    const encoded = Buffer.from('user=ada&pass%77ord=hunter2-encoded')
    expect(redactor.bytes(encoded, 'application/x-www-form-urlencoded').toString()).not.toContain(
      'hunter2-encoded',
    )
  })
})
