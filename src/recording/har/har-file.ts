/**
 * HAR files on disk: read bounded before parsing, written atomically (see write-atomically.ts) so a
 * reader never sees half a file and a failure leaves nothing behind.
 */
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ParallaxError } from '../errors.ts'
import { OWNER_ONLY_MODE, writeFileAtomically } from '../write-atomically.ts'
import { HAR_LIMITS } from './har-schema.ts'
import type { Har } from './har-types.ts'
import { harFileError, parseHarText } from './parse-har-text.ts'

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return 'no such file'
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  if (code === 'EISDIR') return 'it is a folder'
  return (error as Error | undefined)?.message ?? String(error)
}

/**
 * Reads and parses a HAR file (see parseHarText); PARALLAX_NOT_FOUND when it cannot be read.
 * @example const har = await readHarFile('captures/checkout.har')
 */
export async function readHarFile(file: string): Promise<unknown> {
  let bytes: Buffer
  try {
    const info = await stat(file)
    if (info.isDirectory()) throw Object.assign(new Error('it is a folder'), { code: 'EISDIR' })
    if (info.size > HAR_LIMITS.maxBytes) {
      throw harFileError(
        file,
        `it is ${info.size} bytes, more than the ${HAR_LIMITS.maxBytes} a HAR file may be`,
        'Split the capture into smaller HAR files (e.g. one per page or test) and import each.',
      )
    }
    bytes = await readFile(file)
  } catch (error) {
    if (error instanceof ParallaxError) throw error
    throw new ParallaxError('PARALLAX_NOT_FOUND', `Failed to read HAR ${file}: ${reasonOf(error)}.`, {
      hint: 'Pass the path of a .har file, e.g. one saved from the Network panel of DevTools.',
      cause: error,
      details: { file },
    })
  }
  return parseHarText(bytes, file)
}

/**
 * Writes `har` as indented JSON to `file` (creating its folder), replacing any file there atomically, with
 * mode 0600 (a HAR file holds the recorded traffic); PARALLAX_WRITE_FAILED on failure, with a hint to pass
 * a file path when `file` is a folder.
 * @example await writeHarFile('out/recordings.har', harFromRecordings(recordings))
 */
export async function writeHarFile(file: string, har: Har): Promise<void> {
  try {
    if ((await stat(file).catch(() => undefined))?.isDirectory()) {
      throw Object.assign(new Error('it is a folder'), { code: 'EISDIR' })
    }
    const text = `${JSON.stringify(har, null, 2)}\n`
    await writeFileAtomically(file, (handle) => handle.writeFile(text), { mode: OWNER_ONLY_MODE })
  } catch (error) {
    const folder = (error as NodeJS.ErrnoException | undefined)?.code === 'EISDIR'
    throw new ParallaxError('PARALLAX_WRITE_FAILED', `Failed to write HAR ${file}: ${reasonOf(error)}.`, {
      hint: folder
        ? `Pass the path of a file to write, e.g. ${harFileFor(file)}; nothing was written.`
        : 'Check that the folder is writable and the disk has room; nothing was written.',
      cause: error,
      details: { file },
    })
  }
}

/** A HAR file to suggest instead of the folder `folder`: `rec1` → `rec1.har`, `.` → `recordings.har`. */
function harFileFor(folder: string): string {
  const stem = folder.replace(/[\\/]+$/, '')
  return stem === '' || /(^|[\\/])\.\.?$/.test(stem) ? join(folder, 'recordings.har') : `${stem}.har`
}
