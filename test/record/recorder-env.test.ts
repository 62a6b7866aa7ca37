/**
 * The environment variables of `--import parallax/register`: read, defaulted and validated.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { recorderOptionsFromEnv } from '../../src/record/recorder-env.ts'
import { isParallaxError } from '../../src/recording/errors.ts'

function usageError(env: NodeJS.ProcessEnv): { message: string; hint: string | undefined } {
  try {
    recorderOptionsFromEnv(env, tmpdir())
  } catch (error) {
    if (isParallaxError(error, 'PARALLAX_USAGE')) return { message: error.message, hint: error.hint }
    throw error
  }
  throw new Error('expected a usage error')
}

describe('record: settings from the environment', () => {
  it('recorderOptionsFromEnv: reads every variable', () => {
    expect(
      recorderOptionsFromEnv({
        PARALLAX_OUT: 'recordings/api',
        PARALLAX_SERVICE: 'api',
        PARALLAX_ENVIRONMENT: 'staging',
        PARALLAX_VERSION: '1.2.3',
        PARALLAX_SAMPLE: '0.05',
        PARALLAX_INCLUDE: '/api/**, POST /v1/x',
        PARALLAX_EXCLUDE: '/health',
        PARALLAX_RECORD_ERRORS: 'false',
        PARALLAX_MAX_BODY_BYTES: '4096',
        PARALLAX_REDACTION_KEY: 'k',
        PARALLAX_GZIP: '1',
      }),
    ).toEqual({
      out: 'recordings/api',
      service: 'api',
      environment: 'staging',
      version: '1.2.3',
      sample: 0.05,
      include: ['/api/**', 'POST /v1/x'],
      exclude: ['/health'],
      recordErrors: false,
      maxBodyBytes: 4096,
      redactionKey: 'k',
      gzip: true,
    })
  })

  it('recorderOptionsFromEnv: the service defaults to the package name, the environment to NODE_ENV', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-env-'))
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: '@acme/billing' }))
    expect(recorderOptionsFromEnv({ PARALLAX_OUT: 'out', NODE_ENV: 'production' }, dir)).toEqual({
      out: 'out',
      service: 'billing',
      environment: 'production',
    })
  })

  it('recorderOptionsFromEnv: a missing PARALLAX_OUT or a malformed value names the variable and the fix', () => {
    expect(usageError({}).hint).toContain('PARALLAX_OUT=')
    expect(usageError({ PARALLAX_OUT: 'o', PARALLAX_SAMPLE: 'half' }).message).toContain('PARALLAX_SAMPLE')
    expect(usageError({ PARALLAX_OUT: 'o', PARALLAX_GZIP: 'yes please' }).hint).toContain('true or false')
  })

  it('recorderOptionsFromEnv: a number out of range is refused with a hint in variable terms, not API terms', () => {
    expect(usageError({ PARALLAX_OUT: 'o', PARALLAX_SAMPLE: '2' })).toEqual({
      message: 'Failed to start recording: PARALLAX_SAMPLE is "2", not a fraction from 0 to 1.',
      hint: 'Set PARALLAX_SAMPLE to a fraction from 0 to 1, e.g. PARALLAX_SAMPLE=0.05.',
    })
    expect(usageError({ PARALLAX_OUT: 'o', PARALLAX_MAX_BODY_BYTES: '1.5' })).toEqual({
      message: 'Failed to start recording: PARALLAX_MAX_BODY_BYTES is "1.5", not a whole number of bytes.',
      hint: 'Set PARALLAX_MAX_BODY_BYTES to a whole number of bytes, e.g. PARALLAX_MAX_BODY_BYTES=1048576.',
    })
    expect(usageError({ PARALLAX_OUT: 'o', PARALLAX_MAX_BODY_BYTES: '-1' }).hint).toContain(
      'PARALLAX_MAX_BODY_BYTES=1048576',
    )
  })

  it('recorderOptionsFromEnv: numbers are decimal only (no 0x1, 1e0, Infinity)', () => {
    for (const value of ['0x1', '0b1', '1e0', 'Infinity', ' ', '+1']) {
      expect(usageError({ PARALLAX_OUT: 'o', PARALLAX_SAMPLE: value }).message, value).toBe(
        `Failed to start recording: PARALLAX_SAMPLE is ${JSON.stringify(value)}, not a decimal number.`,
      )
    }
    expect(usageError({ PARALLAX_OUT: 'o', PARALLAX_MAX_BODY_BYTES: '0x400' }).message).toContain(
      'not a decimal number',
    )
    expect(recorderOptionsFromEnv({ PARALLAX_OUT: 'o', PARALLAX_SAMPLE: ' .5 ' }, tmpdir()).sample).toBe(0.5)
    expect(recorderOptionsFromEnv({ PARALLAX_OUT: 'o', PARALLAX_SAMPLE: '1' }, tmpdir()).sample).toBe(1)
    expect(
      recorderOptionsFromEnv({ PARALLAX_OUT: 'o', PARALLAX_MAX_BODY_BYTES: '0' }, tmpdir()).maxBodyBytes,
    ).toBe(0)
  })
})
