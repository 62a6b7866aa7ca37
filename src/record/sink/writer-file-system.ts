/**
 * The few file-system operations the segment writer uses: its I/O port. The default implementation is
 * node-writer-file-system.ts; tests wrap it to inject a full disk, a permission error or a disk that
 * never answers.
 */

/**
 * A file in a folder listing: its name (no folder), size in bytes and last modification time.
 * @example const files: ListedFile[] = await fs.list('recordings')
 */
export interface ListedFile {
  name: string
  size: number
  mtimeMs: number
}

/**
 * What the segment writer needs from a file system. Every operation rejects with the Node error
 * (`code` ENOSPC, EACCES, EIO…) on failure; none is ever called on the request path.
 * @example
 * const full: WriterFileSystem = { ...nodeWriterFileSystem, write: () => Promise.reject(Object.assign(new Error('no space'), { code: 'ENOSPC' })) }
 */
export interface WriterFileSystem {
  /** Creates `dir` and its parents when missing. */
  mkdir(dir: string): Promise<void>
  /** Creates `file` for appending only, failing if it exists, with mode 0600; resolves to a descriptor. */
  openAppend(file: string): Promise<number>
  /** Appends all of `data` (looping over short writes). */
  append(fd: number, data: Uint8Array): Promise<void>
  /** Makes what was appended durable (fdatasync). */
  sync(fd: number): Promise<void>
  /** Cuts the file back to `length` bytes (to drop a half-written batch). */
  truncate(fd: number, length: number): Promise<void>
  close(fd: number): Promise<void>
  /** Renames atomically within one folder. */
  rename(from: string, to: string): Promise<void>
  unlink(file: string): Promise<void>
  /** Writes a whole small file with mode 0600, replacing any file there (not atomic: rename it after). */
  writeFile(file: string, data: string): Promise<void>
  /** The regular files directly in `dir`. */
  list(dir: string): Promise<ListedFile[]>
  /** Makes renames and deletions in `dir` durable (fsync of the folder); may be a no-op. */
  syncDir(dir: string): Promise<void>
}
