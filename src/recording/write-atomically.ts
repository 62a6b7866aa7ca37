/**
 * Replacing a file atomically: the content goes to a temp file in the same folder, which is synced and
 * renamed over the target, so a reader never sees half a file and a failure leaves nothing behind.
 */
import { randomUUID } from 'node:crypto'
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * Creates `file`'s folder, lets `write` fill a temp file, then syncs it and renames it over `file`.
 * Any failure (of `write` too) removes the temp file and is rethrown as it is.
 * @example await writeFileAtomically('out/a.har', (handle) => handle.writeFile(text))
 */
export async function writeFileAtomically(
  file: string,
  write: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  const folder = dirname(file)
  const temp = join(folder, `.${basename(file)}.${process.pid}.${randomUUID()}.tmp`)
  let handle: FileHandle | undefined
  try {
    await mkdir(folder, { recursive: true })
    handle = await open(temp, 'wx')
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
}
