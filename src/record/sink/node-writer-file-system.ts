/**
 * The node:fs implementation of the segment writer's file-system port. Descriptor-based calls run on
 * libuv's thread pool, so a slow disk delays the writer, never the event loop.
 */
import {
  close,
  constants,
  fdatasync,
  ftruncate,
  mkdir,
  open,
  readdir,
  rename,
  stat,
  unlink,
  write,
  writeFile,
} from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { ListedFile, WriterFileSystem } from './writer-file-system.ts'

const APPEND_ONLY = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL
const OWNER_ONLY = 0o600

const openAsync = promisify(open)
const writeAsync = promisify(write)
const closeAsync = promisify(close)

/**
 * The writer's file system on node:fs: append-only descriptors opened with mode 0600.
 * @example createSegmentWriter({ dir: 'recordings', fileSystem: nodeWriterFileSystem })
 */
export const nodeWriterFileSystem: WriterFileSystem = Object.freeze({
  async mkdir(dir: string) {
    await promisify(mkdir)(dir, { recursive: true })
  },
  openAppend: (file: string) => openAsync(file, APPEND_ONLY, OWNER_ONLY),
  async append(fd: number, data: Uint8Array) {
    let offset = 0
    while (offset < data.byteLength) {
      const { bytesWritten } = await writeAsync(fd, data, offset, data.byteLength - offset)
      offset += bytesWritten
    }
  },
  sync: promisify(fdatasync),
  truncate: promisify(ftruncate),
  close: closeAsync,
  rename: promisify(rename),
  unlink: promisify(unlink),
  async writeFile(file: string, data: string) {
    await promisify(writeFile)(file, data, { mode: OWNER_ONLY })
  },
  async list(dir: string): Promise<ListedFile[]> {
    const entries = await promisify(readdir)(dir, { withFileTypes: true })
    const files: ListedFile[] = []
    for (const entry of entries) {
      if (!entry.isFile()) continue
      // Gone since the listing (another writer's cap deleted it): not there, so not counted.
      const info = await promisify(stat)(join(dir, entry.name)).catch(() => undefined)
      if (info !== undefined) files.push({ name: entry.name, size: info.size, mtimeMs: info.mtimeMs })
    }
    return files
  },
  async syncDir(dir: string) {
    const fd = await openAsync(dir, constants.O_RDONLY)
    try {
      await promisify(fdatasync)(fd)
    } catch {
      // Some file systems refuse to sync a folder; the rename is still atomic, only less durable.
    } finally {
      await closeAsync(fd)
    }
  },
})
