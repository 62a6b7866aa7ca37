/**
 * `node --import parallax/register`: an unusable PARALLAX_OUT is said at startup in one line, and the
 * service runs (it was found only after traffic, as a writer-status failure, and the segment failure was
 * never shown); distinct failures of one error code are each logged once (they were de-duplicated by
 * code); running on the public redaction key is warned about (it was silent).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startLoopback } from '../loopback.ts'
import { startRegisteredService } from '../registered-service-process.ts'

/** With no redaction key of the test run's environment: the warning is part of what is checked. */
const startService = (env: Record<string, string | undefined>) =>
  startRegisteredService({ PARALLAX_REDACTION_KEY: undefined, ...env })

function parallaxLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('[parallax]'))
}

describe('record: --import parallax/register checks at startup', () => {
  it('register: a PARALLAX_OUT that is a file is said in one line at startup, and the service runs', async () => {
    await using dependency = await startLoopback((_req, res) => res.end('ok'))
    const file = join(await mkdtemp(join(tmpdir(), 'parallax-register-out-')), 'afile')
    await writeFile(file, 'hi\n')
    await using service = await startService({ PARALLAX_OUT: file, DEPENDENCY_URL: dependency.url })
    expect(await service.get('/a')).toBe(200)
    expect(await service.get('/b')).toBe(200)
    expect(parallaxLines(service.stderr())).toEqual([
      `[parallax] Failed to use ${file} as the recordings folder: it is a file, not a folder (EEXIST). The service runs unrecorded.`,
    ])
    expect(service.stderr()).toContain(
      `  hint: Move the file ${file} away, or point PARALLAX_OUT at another folder, e.g. PARALLAX_OUT=recordings/api.`,
    )
  })

  it('register: distinct writer failures of one code are each logged once', async () => {
    await using dependency = await startLoopback((_req, res) => res.end('ok'))
    const out = join(await mkdtemp(join(tmpdir(), 'parallax-register-gone-')), 'out')
    await using service = await startService({
      PARALLAX_OUT: out,
      PARALLAX_REDACTION_KEY: 'a-long-random-secret-for-tests',
      DEPENDENCY_URL: dependency.url,
    })
    // The folder was fine at startup; then a file takes its place.
    await rm(out, { recursive: true })
    await writeFile(out, 'hi\n')
    for (let i = 0; i < 3; i++) expect(await service.get(`/r${i}`)).toBe(200)
    await expect
      .poll(() => parallaxLines(service.stderr()).map((line) => /further (\S+) failures/.exec(line)?.[1]))
      .toEqual(expect.arrayContaining([expect.stringMatching(/^open:/), expect.stringMatching(/^status:/)]))
    for (let i = 0; i < 3; i++) expect(await service.get(`/s${i}`)).toBe(200)
    const kinds = parallaxLines(service.stderr()).map((line) => /further (\S+) failures/.exec(line)?.[1])
    expect(new Set(kinds).size).toBe(kinds.length)
  })

  it('register: warns once at startup when PARALLAX_REDACTION_KEY is unset, not when it is set', async () => {
    await using dependency = await startLoopback((_req, res) => res.end('ok'))
    const out = await mkdtemp(join(tmpdir(), 'parallax-register-key-'))
    {
      await using service = await startService({ PARALLAX_OUT: out, DEPENDENCY_URL: dependency.url })
      expect(await service.get('/a')).toBe(200)
      expect(parallaxLines(service.stderr())).toEqual([
        '[parallax] PARALLAX_REDACTION_KEY is not set: the placeholders use the public default key. Set it to a long random secret, e.g. PARALLAX_REDACTION_KEY=$(openssl rand -hex 32), and use the same one when replaying, so placeholders cannot be linked across organizations or brute-forced.',
      ])
    }
    await using keyed = await startService({
      PARALLAX_OUT: out,
      PARALLAX_REDACTION_KEY: 'a-long-random-secret-for-tests',
      DEPENDENCY_URL: dependency.url,
    })
    expect(await keyed.get('/a')).toBe(200)
    expect(parallaxLines(keyed.stderr())).toEqual([])
  })

  it('register: PARALLAX_SAMPLE out of range or not decimal is refused with a hint in variable terms', async () => {
    await using dependency = await startLoopback((_req, res) => res.end('ok'))
    const out = await mkdtemp(join(tmpdir(), 'parallax-register-sample-'))
    for (const value of ['2', '0x1']) {
      await using service = await startService({
        PARALLAX_OUT: out,
        PARALLAX_SAMPLE: value,
        DEPENDENCY_URL: dependency.url,
      })
      expect(await service.get('/a')).toBe(200)
      expect(service.stderr()).toContain(`PARALLAX_SAMPLE is "${value}"`)
      expect(service.stderr()).toContain(
        'hint: Set PARALLAX_SAMPLE to a fraction from 0 to 1, e.g. PARALLAX_SAMPLE=0.05.',
      )
      expect(service.stderr()).not.toContain('sample: 0.05')
    }
  })
})
