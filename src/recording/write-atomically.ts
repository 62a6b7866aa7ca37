/**
 * Replacing a file atomically: the content goes to a temp file in the same folder, which is synced and
 * renamed over the target, so a reader never sees half a file and a failure leaves nothing behind.
 */
import { randomUUID } from 'node:crypto'
import { constants } from 'node:fs'
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * The mode of every file that holds recorded traffic, redacted or not (segments, HAR files): owner only,
 * as the recorder creates its segments.
 * @example await writeFileAtomically('out/a.har', write, { mode: OWNER_ONLY_MODE })
 * @see docs/recording-files.md
 */
export const OWNER_ONLY_MODE = 0o600

/**
 * How `writeFileAtomically` creates the file.
 * @example { mode: OWNER_ONLY_MODE }
 */
export interface WriteAtomicallyOptions {
  /** The mode the temp file, and so the replaced file, is created with (less the umask); default 0o666. */
  mode?: number
}

/**
 * Creates `file`'s folder, lets `write` fill a temp file (created with `options.mode`), then syncs it,
 * renames it over `file` and syncs the folder. The replaced file takes the new file's mode, whatever the
 * old one had. Any failure (of `write` too) removes the temp file and is rethrown as it is.
 * @example await writeFileAtomically('out/a.har', (handle) => handle.writeFile(text), { mode: OWNER_ONLY_MODE })
 */
export async function writeFileAtomically(
  file: string,
  write: (handle: FileHandle) => Promise<void>,
  options: WriteAtomicallyOptions = {},
): Promise<void> {
  const folder = dirname(file)
  const temp = join(folder, `.${basename(file)}.${process.pid}.${randomUUID()}.tmp`)
  let handle: FileHandle | undefined
  try {
    await mkdir(folder, { recursive: true })
    handle = await open(temp, 'wx', options.mode ?? 0o666)
    await write(handle)
    await handle.sync()
    await handle.close()
    handle = undefined
    await rename(temp, file)
  } catch (error) {
    await handle?.close().catch(() => {})
    await rm(temp, { force: true }).catch(() => {})
    throw error
  }
  await syncFolder(folder)
}

/** Makes the rename durable; some file systems refuse to sync a folder, and the rename is atomic anyway. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, constants.O_RDONLY).catch(() => undefined)
  if (handle === undefined) return
  await handle.sync().catch(() => {})
  await handle.close().catch(() => {})
}
