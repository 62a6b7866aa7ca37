/**
 * The writer's segments over time: one active segment at a time, opened on the first batch, rotated
 * when the next batch would pass `maxSegmentBytes` or the segment is `maxSegmentAgeMs` old (a timer
 * finalizes an idle one), and after each finalization the folder brought back under `maxTotalBytes`.
 */
import packageJson from '../../../package.json' with { type: 'json' }
import type { ParallaxError } from '../../recording/errors.ts'
import { sortedJson } from '../../recording/sorted-json.ts'
import { RECORDING_FORMAT, RECORDING_VERSION, type SegmentHeader } from '../../recording/types.ts'
import { realSources } from '../real-sources.ts'
import { enforceTotalCap } from './enforce-total-cap.ts'
import { openSegmentFile, type SegmentFile } from './segment-file.ts'
import { segmentName, segmentPattern } from './segment-names.ts'
import type { SegmentWriterStats } from './writer-books.ts'
import { diskError, isDiskFailure, otherError } from './writer-failures.ts'
import type { WriterFileSystem } from './writer-file-system.ts'

/**
 * What the rotation needs from the writer.
 * @example createSegmentRotation({ fs, dir, prefix: 'copilot', writerId, gzip: false, maxSegmentBytes, maxSegmentAgeMs, maxTotalBytes, stats, report, onAgeDue })
 */
export interface SegmentRotationOptions {
  fs: WriterFileSystem
  dir: string
  prefix: string
  writerId: string
  gzip: boolean
  maxSegmentBytes: number
  maxSegmentAgeMs: number
  maxTotalBytes: number
  /** The books: finalized segments and cap deletions are counted there. */
  stats: SegmentWriterStats
  report: (failure: { kind: string; error: ParallaxError }) => void
  /** Called when the active segment reached its age: the writer should call `finalizeActive` soon. */
  onAgeDue: () => void
}

/**
 * The active segment and its rotation.
 * @example const segment = await rotation.segmentFor(batch.byteLength); await segment.append(batch, n, true)
 */
export interface SegmentRotation {
  /** True once the active segment is old enough to be finalized. */
  readonly due: boolean
  readonly active: boolean
  /** The segment to append a batch of `bytes` (uncompressed) to, after rotating by size or age if needed. */
  segmentFor(bytes: number): Promise<SegmentFile>
  /** Finalizes the active segment, then applies the total cap (leaving room for a next segment unless `last`). */
  finalizeActive(last: boolean): Promise<void>
  /** After a failed append: cuts the active segment back to what it committed and finalizes that. */
  abandonActive(): Promise<void>
  /** Stops the age timer. */
  stop(): void
}

/**
 * Creates the rotation of one writer; nothing is opened until the first `segmentFor`.
 * @example const rotation = createSegmentRotation({ fs, dir, prefix, writerId, gzip, maxSegmentBytes, maxSegmentAgeMs, maxTotalBytes, stats, report, onAgeDue })
 */
export function createSegmentRotation(options: SegmentRotationOptions): SegmentRotation {
  const { fs, dir, stats, report } = options
  const pattern = segmentPattern(options.prefix)
  let segment: SegmentFile | undefined
  let openedAtMs = 0
  let sequence = 0
  let due = false
  let capChecked = false
  let ageTimer: NodeJS.Timeout | undefined

  const retire = async (active: SegmentFile, how: 'finalize' | 'abandon') => {
    const before = active.bytes
    try {
      await (how === 'finalize' ? active.finalize() : active.abandon())
      stats.bytesWritten += Math.max(0, active.bytes - before)
      if (active.records > 0) stats.segments++
    } catch (error) {
      if (!isDiskFailure(error)) throw error
      report(diskError(error, 0))
    }
  }

  const applyCap = async (reserveBytes: number) => {
    try {
      const deleted = await enforceTotalCap({
        fs,
        dir,
        pattern,
        maxTotalBytes: options.maxTotalBytes,
        reserveBytes,
      })
      stats.deleted.segments += deleted.segments
      stats.deleted.bytes += deleted.bytes
      for (const { file, error } of deleted.failures) {
        report(
          otherError(
            'cap',
            `Failed to delete segment ${file} to stay under maxTotalBytes`,
            error,
            'Check the folder permissions.',
          ),
        )
      }
    } catch (error) {
      // No folder yet (nothing written) is not a failure; anything else is.
      if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return
      report(
        otherError('cap', `Failed to list ${dir} for maxTotalBytes`, error, 'Check the folder permissions.'),
      )
    }
  }

  const detach = (): SegmentFile | undefined => {
    const active = segment
    segment = undefined
    due = false
    clearTimeout(ageTimer)
    return active
  }

  const rotation: SegmentRotation = {
    get due() {
      return due
    },
    get active() {
      return segment !== undefined
    },
    async segmentFor(bytes) {
      if (segment !== undefined) {
        const old = realSources.monotonicMs() - openedAtMs >= options.maxSegmentAgeMs
        // Compressed, a batch takes what this segment's batches took so far, per uncompressed byte.
        const onDisk =
          options.gzip && segment.rawBytes > 0 ? Math.ceil((bytes * segment.bytes) / segment.rawBytes) : bytes
        const full = segment.records > 0 && segment.bytes + onDisk > options.maxSegmentBytes
        if (due || old || full) await rotation.finalizeActive(false)
      }
      if (segment !== undefined) return segment
      if (!capChecked) {
        // Before the first segment: what earlier runs of this prefix left may already be past the cap.
        capChecked = true
        await applyCap(options.maxSegmentBytes)
      }
      segment = await openSegmentFile({
        fs,
        dir,
        name: segmentName(options.prefix, options.writerId, ++sequence, options.gzip),
        gzip: options.gzip,
        header: segmentHeader(),
      })
      openedAtMs = realSources.monotonicMs()
      due = false
      clearTimeout(ageTimer)
      ageTimer = setTimeout(() => {
        due = true
        options.onAgeDue()
      }, options.maxSegmentAgeMs).unref()
      return segment
    },
    async finalizeActive(last) {
      const active = detach()
      if (active !== undefined) await retire(active, 'finalize')
      await applyCap(last ? 0 : options.maxSegmentBytes)
    },
    async abandonActive() {
      const broken = detach()
      if (broken !== undefined) await retire(broken, 'abandon')
    },
    stop() {
      clearTimeout(ageTimer)
    },
  }
  return rotation
}

/** Line 1 of every segment, newline included. */
function segmentHeader(): Buffer {
  const header: SegmentHeader = {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    creator: { name: 'parallax', version: packageJson.version },
    createdAt: new realSources.Date(realSources.now()).toISOString(),
  }
  return Buffer.from(`${(sortedJson(header, 4) as { text: string }).text}\n`)
}
