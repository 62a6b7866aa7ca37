/**
 * The recordings folder is checked before traffic flows: a file, a path through a file or a folder this
 * user may not write to is refused with a typed error saying what to do; a missing folder is created.
 */
import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  checkRecordingFolder,
  createSegmentWriter,
  nodeWriterFileSystem,
} from '../../src/record/sink/index.ts'
import { isParallaxError } from '../../src/recording/errors.ts'

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (rejected: unknown) => rejected,
  )
  if (!isParallaxError(error, 'PARALLAX_WRITE_FAILED'))
    throw new Error(`expected a write failure, got ${error}`)
  return { message: error.message, hint: error.hint, details: error.details }
}

describe('record: checking the recordings folder', () => {
  it('checkRecordingFolder: a file is not a folder, and the hint names the setting', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'parallax-folder-')), 'afile')
    await writeFile(file, 'hi\n')
    expect(await failure(checkRecordingFolder(file, { setting: 'PARALLAX_OUT' }))).toEqual({
      message: `Failed to use ${file} as the recordings folder: it is a file, not a folder (EEXIST).`,
      hint: `Move the file ${file} away, or point PARALLAX_OUT at another folder, e.g. PARALLAX_OUT=recordings/api.`,
      details: { kind: 'folder:EEXIST', dir: file, errno: 'EEXIST' },
    })
    expect((await failure(checkRecordingFolder(join(file, 'sub'), { setting: '--out' }))).message).toBe(
      `Failed to use ${join(file, 'sub')} as the recordings folder: a part of its path is a file, not a folder (ENOTDIR).`,
    )
  })

  it('checkRecordingFolder: a folder that takes no new file is refused with what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-folder-'))
    // Root may write anywhere, so the refusal is injected where the writer would meet it.
    const readOnly = {
      ...nodeWriterFileSystem,
      openAppend: () => Promise.reject(Object.assign(new Error('permission denied'), { code: 'EACCES' })),
    }
    const { message, hint } = await failure(
      checkRecordingFolder(dir, { setting: '--out', fileSystem: readOnly }),
    )
    expect(message).toBe(
      `Failed to use ${dir} as the recordings folder: this user may not create files in it (EACCES).`,
    )
    expect(hint).toBe(
      `Make it writable by the user that runs the recorder (chmod u+w ${dir}, or chown it), or point --out at another folder, e.g. --out recordings/api.`,
    )
  })

  it('checkRecordingFolder: a missing folder is created, and no probe file is left behind', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'parallax-folder-')), 'a', 'b')
    await checkRecordingFolder(dir)
    expect(await readdir(dir)).toEqual([])
  })

  it('SegmentWriter.checkFolder: checks the writer’s own folder through its file system', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'parallax-folder-')), 'afile')
    await writeFile(file, 'hi\n')
    await using writer = createSegmentWriter({ dir: file })
    expect((await failure(writer.checkFolder({ setting: '--out' }))).details).toMatchObject({
      kind: 'folder:EEXIST',
    })
    const dir = await mkdtemp(join(tmpdir(), 'parallax-folder-'))
    await using fine = createSegmentWriter({ dir })
    await expect(fine.checkFolder()).resolves.toBeUndefined()
  })
})
