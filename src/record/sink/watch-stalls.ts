/**
 * A file-system port that notices a disk that stops answering: every operation still outstanding after
 * `stallMs` is passed to `onStall`. It changes nothing else — a stalled write stays in flight, the queue
 * behind it fills and the writer drops (and counts) what does not fit, while `enqueue` stays instant.
 */
import type { WriterFileSystem } from './writer-file-system.ts'

/**
 * Wraps every operation of `fs` with a watchdog timer (unref'd: it never keeps the process alive).
 * @example const watched = watchStalls(nodeWriterFileSystem, 10_000, (op, path) => console.warn(op, path))
 */
export function watchStalls(
  fs: WriterFileSystem,
  stallMs: number,
  onStall: (operation: string, target: string) => void,
): WriterFileSystem {
  const watched = {} as Record<string, (...args: unknown[]) => Promise<unknown>>
  for (const operation of Object.keys(fs) as Array<keyof WriterFileSystem>) {
    const original = fs[operation] as (...args: unknown[]) => Promise<unknown>
    watched[operation] = (...args) => {
      const timer = setTimeout(() => onStall(operation, String(args[0])), stallMs).unref()
      // A synchronous throw of the port becomes a rejection like any other failure.
      return new Promise((resolve) => resolve(original.apply(fs, args))).finally(() => clearTimeout(timer))
    }
  }
  return watched as unknown as WriterFileSystem
}
