/**
 * The text rules on by default: well-known credential formats, private keys, credentials inside
 * connection strings and URLs, and `name = value` assignments whose name is a secret body key. They are
 * ASCII patterns, so they also run over binary bodies; none of them matches a placeholder.
 */
import { assignmentRule } from './assignment-rule.ts'
import { regexRule, type TextRule } from './text-rule.ts'
import { urlQueryRule } from './url-query-rule.ts'

const hasDigit = (value: string | undefined) => value !== undefined && /[0-9]/.test(value)

/** `Basic <base64>` is a credential only when it decodes to `user:password`. */
function isBasicCredential(value: string | undefined): boolean {
  if (value === undefined) return false
  return Buffer.from(value, 'base64').toString('latin1').includes(':')
}

/** The tags the HTML rule looks into, in the cases they are written in. */
const HTML_TAGS = ['<input', '<INPUT', '<Input', '<meta', '<META', '<Meta']

/**
 * The default text rules, in the order their names are reported when two of them find the same secret.
 * @example DEFAULT_TEXT_RULES.map((rule) => rule.name) // ['private-key', 'jwt', …]
 */
export const DEFAULT_TEXT_RULES: readonly TextRule[] = Object.freeze([
  // A block cut before its END line (a truncated body) is redacted to the end of its string or text.
  regexRule(
    'private-key',
    /-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----[^"]*?(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|(?="|$))/,
    { hint: ['-----BEGIN'] },
  ),
  regexRule('jwt', /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/, {
    hint: ['eyJ'],
  }),
  regexRule('bearer-token', /\b(?:[Bb]earer|BEARER)[ \t]+([A-Za-z0-9\-._~+/]{8,}=*)/, {
    group: 1,
    accept: (m) => hasDigit(m[1]),
    hint: ['earer', 'EARER'],
  }),
  regexRule('basic-credentials', /\b(?:[Bb]asic|BASIC)[ \t]+([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/, {
    group: 1,
    accept: (m) => isBasicCredential(m[1]),
    hint: ['asic', 'ASIC'],
  }),
  regexRule('stripe-key', /\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,}/, { hint: ['_live_', '_test_'] }),
  regexRule('stripe-webhook-secret', /\bwhsec_[0-9A-Za-z+/=]{20,}/, { hint: ['whsec_'] }),
  regexRule('aws-access-key-id', /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/, {
    hint: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
  }),
  regexRule(
    'aws-secret-access-key',
    /\b(?:aws_?)?secret_?(?:access_?)?key["']?[ \t]*(?::|=|=>)[ \t]*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/i,
    { group: 1, hint: ['secret', 'SECRET', 'Secret'] },
  ),
  regexRule('github-token', /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}|\bgithub_pat_[A-Za-z0-9_]{22,}/, {
    hint: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  }),
  regexRule('gitlab-token', /\bglpat-[0-9A-Za-z_-]{20,}/, { hint: ['glpat-'] }),
  regexRule('slack-token', /\bxox[abeoprs]-[0-9A-Za-z-]{10,}/, { hint: ['xox'] }),
  regexRule('slack-webhook', /\bhooks\.slack\.com\/services\/(T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+)/, {
    group: 1,
    urlSafe: true,
    hint: ['hooks.slack.com'],
  }),
  regexRule('google-api-key', /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/, { hint: ['AIza'] }),
  regexRule('google-oauth-token', /\bya29\.[0-9A-Za-z_-]{20,}/, { hint: ['ya29.'] }),
  regexRule('npm-token', /\bnpm_[A-Za-z0-9]{36,}/, { hint: ['npm_'] }),
  regexRule('sendgrid-key', /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/, { hint: ['SG.'] }),
  regexRule('openai-key', /\bsk-(?:proj-|svcacct-|ant-(?:api|admin)[0-9]{2}-)?[A-Za-z0-9_-]{20,}/, {
    accept: (m) => /[0-9]/.test(m[0]) && /[A-Z]/.test(m[0]),
    hint: ['sk-'],
  }),
  // Userinfo of any URL or connection string: mongodb+srv://u:p@, postgres://, redis://:p@, amqp://…
  regexRule(
    'connection-string',
    /\b[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^:/?#@ \t\r\n"'<>]*:([^@/?# \t\r\n"'<>]+)@/,
    { group: 1, urlSafe: true, hint: ['://'] },
  ),
  urlQueryRule,
  assignmentRule,
  // <input name="authenticity_token" value="…">, <meta name="csrf-token" content="…">
  regexRule(
    'html-secret-field',
    /<(?:input|meta)\b[^>]*?\b(?:name|id)=["']([^"'<>]+)["'][^>]*?\b(?:value|content)=["']([^"'<>]+)["']/i,
    { group: 2, accept: (m, names) => names.bodyKey(m[1]!), hint: HTML_TAGS },
  ),
  regexRule(
    'html-secret-field',
    /<(?:input|meta)\b[^>]*?\b(?:value|content)=["']([^"'<>]+)["'][^>]*?\b(?:name|id)=["']([^"'<>]+)["']/i,
    { group: 1, accept: (m, names) => names.bodyKey(m[2]!), hint: HTML_TAGS },
  ),
  regexRule(
    'xml-secret',
    /<(?:[A-Za-z_][A-Za-z0-9_.-]*:)?([A-Za-z_][A-Za-z0-9_.-]{0,80})(?:[ \t][^<>]*)?>([^<]{1,4096})<\//,
    { group: 2, accept: (m, names) => names.bodyKey(m[1]!), hint: ['</'] },
  ),
])
