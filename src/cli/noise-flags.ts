/**
 * Noise rules on the command line, for the commands that compare (`replay`, later `test`): each flag
 * adds rules to the scenario's own, and a bad one is reported with the flag as written.
 */
import type { Command } from 'commander'
import { type CompiledNoise, compileNoiseRules, type NoiseRules } from '../diff/index.ts'
import { ParallaxError } from '../recording/errors.ts'
import { shellQuote } from '../scenario/index.ts'

/** The noise flags as commander parses them. */
export interface NoiseFlags {
  ignore?: string[]
  mask?: string[]
  tolerance?: string[]
  unordered?: string[]
  identityKey?: string[]
  headersAllow?: string[]
  headersDeny?: string[]
}

/** The flag each kind of rule comes from, for error messages. */
const FLAG_OF: Record<string, keyof NoiseFlags> = {
  ignore: 'ignore',
  masks: 'mask',
  tolerance: 'tolerance',
  unordered: 'unordered',
  identityKeys: 'identityKey',
}

/**
 * Adds the noise flags to a command.
 * @example addNoiseOptions(new Command('replay'))
 */
export function addNoiseOptions(command: Command): Command {
  return command
    .option(
      '--ignore <path...>',
      'ignore differences at these paths and under them, e.g. $.meta.requestId **.timestamp',
    )
    .option(
      '--mask <regex...>',
      'read each match as the same placeholder on both sides, e.g. /[0-9a-f-]{36}/i',
    )
    .option(
      '--tolerance <rule...>',
      'numbers equal within a tolerance: [<path>=]<absolute> or [<path>=]<percent>%',
    )
    .option('--unordered <path...>', 'compare the arrays at these paths as sets (order ignored)')
    .option('--identity-key <field...>', 'fields that identify array items (before id, key, name, uuid)')
    .option(
      '--headers-allow <name...>',
      'HTTP outputs (objects with a headers object): compare only these headers, any case, e.g. content-type',
    )
    .option(
      '--headers-deny <name...>',
      'HTTP outputs: do not compare these headers, any case, e.g. date x-request-id',
    )
}

/**
 * The rules the flags give; undefined when no noise flag was used.
 * @example noiseFromFlags({ ignore: ['**.timestamp'], tolerance: ['**.score=0.001'] })
 */
export function noiseFromFlags(flags: NoiseFlags): CompiledNoise | undefined {
  rejectEmpty('identity-key', flags.identityKey, 'Write --identity-key sku: a field that names array items.')
  rejectEmpty('mask', flags.mask, 'Write --mask /[0-9a-f-]{36}/i: a regular expression.')
  const rules: NoiseRules = {}
  if (flags.ignore) rules.ignore = flags.ignore
  if (flags.mask) rules.masks = flags.mask.map(parseMask)
  if (flags.tolerance) rules.tolerance = flags.tolerance.map(parseTolerance)
  if (flags.unordered) rules.unordered = flags.unordered
  if (flags.identityKey) rules.identityKeys = flags.identityKey
  if (flags.headersAllow || flags.headersDeny)
    rules.headers = {
      ...(flags.headersAllow && { allow: flags.headersAllow }),
      ...(flags.headersDeny && { deny: flags.headersDeny }),
    }
  if (Object.keys(rules).length === 0) return undefined
  return compileNoiseRules(rules, (path) => {
    const flag: keyof NoiseFlags = FLAG_OF[String(path[0])] ?? 'ignore'
    const value = typeof path[1] === 'number' ? flags[flag]?.[path[1]] : undefined
    return `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}${value === undefined ? '' : ` ${asTyped(value)}`}`
  })
}

/**
 * A flag's value as a POSIX shell reads it back, quoted as shellQuote quotes it (`'/\d{1,20}ms/'`, not
 * JSON's `"/\\d{1,20}ms/"`; `'it'\''s'`) and in single quotes even when it needs none (`'//'`), so the
 * value stands out in the sentence around it.
 */
function asTyped(value: string): string {
  const quoted = shellQuote(value)
  return quoted === value ? `'${value}'` : quoted
}

/**
 * The noise flags as command-line arguments, one flag per value, for the replay commands a report prints
 * (they change the result, so a replay without them shows another one).
 * @example noiseArgs({ ignore: ['**.at'], identityKey: ['sku'] }) // ['--ignore', '**.at', '--identity-key', 'sku']
 */
export function noiseArgs(flags: NoiseFlags): string[] {
  return (Object.keys(NOISE_FLAG_NAMES) as Array<keyof NoiseFlags>).flatMap((key) =>
    (flags[key] ?? []).flatMap((value) => [NOISE_FLAG_NAMES[key], value]),
  )
}

/** Every noise flag as written: a flag added to NoiseFlags must be added here, so replay commands keep it. */
const NOISE_FLAG_NAMES: Record<keyof NoiseFlags, string> = {
  ignore: '--ignore',
  mask: '--mask',
  tolerance: '--tolerance',
  unordered: '--unordered',
  identityKey: '--identity-key',
  headersAllow: '--headers-allow',
  headersDeny: '--headers-deny',
}

/** An empty value (`--identity-key ''`) said as such, before the rules' validator words it for a program. */
function rejectEmpty(flag: string, values: readonly string[] | undefined, hint: string): void {
  if (!values?.some((value) => value === '')) return
  throw new ParallaxError('PARALLAX_USAGE', `Failed to parse --${flag} "": the value is empty.`, { hint })
}

/** `/pattern/flags` (`//` is an empty pattern, rejected as one) or a bare pattern. */
function parseMask(value: string): { pattern: string; flags?: string } {
  const literal = /^\/(.*)\/([a-z]*)$/s.exec(value)
  return literal ? { pattern: literal[1]!, flags: literal[2]! } : { pattern: value }
}

/** `[<path>=]<number>` (absolute) or `[<path>=]<number>%` (relative). */
function parseTolerance(value: string): { path?: string; absolute?: number; relative?: number } {
  const equals = value.lastIndexOf('=')
  const path = equals === -1 ? undefined : value.slice(0, equals)
  const amount = (equals === -1 ? value : value.slice(equals + 1)).trim()
  const percent = amount.endsWith('%')
  const number = Number(percent ? amount.slice(0, -1) : amount)
  if (amount === '' || !Number.isFinite(number) || number < 0) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to parse --tolerance ${value}: ${JSON.stringify(amount)} is not a tolerance.`,
      {
        hint: 'Write --tolerance 0.001 (absolute), --tolerance 1% (relative) or --tolerance "**.score=0.001".',
      },
    )
  }
  return {
    ...(path !== undefined && { path }),
    ...(percent ? { relative: number / 100 } : { absolute: number }),
  }
}
