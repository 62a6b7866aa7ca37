/**
 * writeFileAtomically: the mode a replaced file gets, and what a failure leaves behind.
 */
import { chmodSync, statSync } from 'node:fs'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { OWNER_ONLY_MODE, writeFileAtomically } from '../../src/recording/write-atomically.ts'

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8)

describe.skipIf(process.platform === 'win32')('writeFileAtomically', () => {
  it('writeFileAtomically: OWNER_ONLY_MODE creates the file 0600, and a 0644 file it replaces becomes 0600', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-atomic-'))
    const file = join(dir, 'nested', 'a.ndjson')
    await writeFileAtomically(file, (handle) => handle.writeFile('one\n'), { mode: OWNER_ONLY_MODE })
    expect(modeOf(file)).toBe('600')
    chmodSync(file, 0o644)
    await writeFileAtomically(file, (handle) => handle.writeFile('two\n'), { mode: OWNER_ONLY_MODE })
    expect(modeOf(file)).toBe('600')
    expect(await readFile(file, 'utf8')).toBe('two\n')
    expect(await readdir(join(dir, 'nested'))).toEqual(['a.ndjson'])
  })

  it('writeFileAtomically: a failing write leaves the old file and no temp file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-atomic-'))
    const file = join(dir, 'a.har')
    await writeFile(file, 'old\n')
    const failing = writeFileAtomically(file, () => Promise.reject(new Error('disk full')), {
      mode: OWNER_ONLY_MODE,
    })
    await expect(failing).rejects.toThrow('disk full')
    expect(await readFile(file, 'utf8')).toBe('old\n')
    expect(await readdir(dir)).toEqual(['a.har'])
  })
})
