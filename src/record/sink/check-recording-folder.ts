/**
 * Checking the recordings folder before any traffic flows: it is a folder (created when missing) in which
 * this process may create files. Left to itself the writer finds a bad folder only at its first batch,
 * after requests were served, and can only count what it drops.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { ParallaxError } from '../../recording/errors.ts'
import { nodeWriterFileSystem } from './node-writer-file-system.ts'
import type { WriterFileSystem } from './writer-file-system.ts'

/**
 * Options of {@link checkRecordingFolder}.
 * @example const options: RecordingFolderCheck = { setting: '--out' }
 */
export interface RecordingFolderCheck {
  /** How the user named the folder, quoted in the hint: `--out`, `PARALLAX_OUT`; default `dir`. */
  setting?: string
  /** The file system to check through; default node:fs (the writer's). */
  fileSystem?: WriterFileSystem
}

/**
 * Creates `dir` when missing, then creates and deletes an empty temp file in it (`.parallax-check-….tmp`,
 * which the loader ignores). Rejects with PARALLAX_WRITE_FAILED (`details.kind` `folder:<errno>`) saying
 * what is wrong and what to do.
 * @example await checkRecordingFolder('recordings/api', { setting: '--out' })
 */
export async function checkRecordingFolder(dir: string, options: RecordingFolderCheck = {}): Promise<void> {
  const fs = options.fileSystem ?? nodeWriterFileSystem
  const setting = options.setting ?? 'dir'
  try {
    await fs.mkdir(dir)
  } catch (error) {
    throw folderError(dir, setting, error)
  }
  const probe = join(dir, `.parallax-check-${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
  let fd: number
  try {
    fd = await fs.openAppend(probe)
  } catch (error) {
    throw folderError(dir, setting, error)
  }
  await fs.close(fd).catch(() => {})
  await fs.unlink(probe).catch(() => {})
}

function folderError(dir: string, setting: string, cause: unknown): ParallaxError {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN'
  const another = `point ${setting} at another folder, e.g. ${example(setting)}`
  const [reason, hint] = folderProblem(errno, dir, another, cause)
  const kind = `folder:${errno}`
  return new ParallaxError(
    'PARALLAX_WRITE_FAILED',
    `Failed to use ${dir} as the recordings folder: ${reason} (${errno}).`,
    { hint, cause, details: { kind, dir, errno } },
  )
}

function folderProblem(errno: string, dir: string, another: string, cause: unknown): [string, string] {
  switch (errno) {
    case 'EEXIST':
      return ['it is a file, not a folder', `Move the file ${dir} away, or ${another}.`]
    case 'ENOTDIR':
      return ['a part of its path is a file, not a folder', `Move that file away, or ${another}.`]
    case 'EACCES':
    case 'EPERM':
      return [
        'this user may not create files in it',
        `Make it writable by the user that runs the recorder (chmod u+w ${dir}, or chown it), or ${another}.`,
      ]
    case 'EROFS':
      return ['it is on a read-only file system', `Recordings need a writable disk: ${another}.`]
    case 'ENOSPC':
    case 'EDQUOT':
      return ['the disk is full', `Free some space, or ${another}.`]
    default:
      return [(cause as Error | undefined)?.message ?? String(cause), `Check the folder, or ${another}.`]
  }
}

/** `--out recordings/api` for a flag, `PARALLAX_OUT=recordings/api` for a variable. */
function example(setting: string): string {
  return setting.startsWith('-') ? `${setting} recordings/api` : `${setting}=recordings/api`
}
