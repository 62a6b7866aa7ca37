/**
 * The configuration of a variant as keys: nested config paths (`decoder.bufferSize`), env vars
 * (`env.NODE_ENV`), `tz` and `locale`; the keys two variants set differently; and hybrids — one variant
 * with some keys taken from the other — for bisecting which keys a divergence needs.
 */

/** What bisection varies: a variant's config and the settings of its process. */
export interface VariantSettings {
  config: Record<string, unknown>
  env?: Record<string, string> | undefined
  tz?: string | undefined
  locale?: string | undefined
}

/**
 * Every leaf of a variant's settings by key: `config.decoder.bufferSize`, `env.NODE_ENV`, `tz`, `locale`.
 * Arrays are leaves (compared whole).
 * @example settingKeys({ config: { a: { b: 1 } }, tz: 'UTC' }) // Map { 'config.a.b' => 1, 'tz' => 'UTC' }
 */
export function settingKeys(settings: VariantSettings): Map<string, unknown> {
  const keys = new Map<string, unknown>()
  const walk = (value: unknown, path: string) => {
    if (
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).length > 0
    ) {
      for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`)
    } else {
      keys.set(path, value)
    }
  }
  for (const [key, value] of Object.entries(settings.config)) walk(value, `config.${key}`)
  for (const [key, value] of Object.entries(settings.env ?? {})) keys.set(`env.${key}`, value)
  if (settings.tz !== undefined) keys.set('tz', settings.tz)
  if (settings.locale !== undefined) keys.set('locale', settings.locale)
  return keys
}

/**
 * The keys whose values differ between two variants (set in one only counts), sorted.
 * @example differingKeys(local, production) // ['config.decoder.bufferSize', 'config.logLevel', 'tz']
 */
export function differingKeys(left: VariantSettings, right: VariantSettings): string[] {
  const l = settingKeys(left)
  const r = settingKeys(right)
  const keys = new Set([...l.keys(), ...r.keys()])
  return [...keys]
    .filter((key) => JSON.stringify(l.get(key)) !== JSON.stringify(r.get(key)) || l.has(key) !== r.has(key))
    .sort()
}

/**
 * `base` with `keys` set as `other` sets them (removed where `other` does not set them).
 * @example hybrid(local, production, ['config.decoder.bufferSize'])
 */
export function hybrid(
  base: VariantSettings,
  other: VariantSettings,
  keys: readonly string[],
): VariantSettings {
  const out: VariantSettings = {
    config: structuredClone(base.config),
    ...(base.env && { env: { ...base.env } }),
    ...(base.tz !== undefined && { tz: base.tz }),
    ...(base.locale !== undefined && { locale: base.locale }),
  }
  const from = settingKeys(other)
  for (const key of keys) {
    const has = from.has(key)
    const value = from.get(key)
    if (key === 'tz' || key === 'locale') {
      if (has) out[key] = value as string
      else delete out[key]
    } else if (key.startsWith('env.')) {
      out.env ??= {}
      if (has) out.env[key.slice(4)] = value as string
      else delete out.env[key.slice(4)]
    } else {
      setPath(out.config, key.slice('config.'.length).split('.'), has, value)
    }
  }
  return out
}

function setPath(
  target: Record<string, unknown>,
  path: readonly string[],
  has: boolean,
  value: unknown,
): void {
  let node = target
  for (const step of path.slice(0, -1)) {
    const next = node[step]
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[step] = {}
    node = node[step] as Record<string, unknown>
  }
  const last = path.at(-1)!
  if (has) node[last] = structuredClone(value)
  else delete node[last]
}
