/**
 * One gzip stream per segment, sync-flushed after every batch: each batch's output ends on a byte
 * boundary with everything before it decodable, so a file cut after any complete batch (a killed writer)
 * still decodes up to there. The trailer is written by hand from the CRC of what was committed, so a
 * segment can be finalized even after its last batch failed to reach the disk.
 */
import { constants, crc32, createGzip } from 'node:zlib'

/**
 * A gzip stream compressing one segment batch by batch.
 * @example const gz = createGzipBatches(); const bytes = await gz.compress(Buffer.from('line\n'))
 */
export interface GzipBatches {
  /** Compresses `data` and sync-flushes; the first call's output starts with the gzip header. */
  compress(data: Uint8Array): Promise<Buffer>
  /** Frees the compressor; the stream on disk is ended with {@link gzipTrailer}. */
  destroy(): void
}

/**
 * Creates the compressor of one segment (compression runs on libuv's thread pool, off the event loop).
 * @example const gz = createGzipBatches(); await gz.compress(header); gz.destroy()
 */
export function createGzipBatches(): GzipBatches {
  const gzip = createGzip({ level: constants.Z_DEFAULT_COMPRESSION })
  let output: Buffer[] = []
  let failure: Error | undefined
  gzip.on('data', (chunk: Buffer) => output.push(chunk))
  gzip.on('error', (error) => {
    failure = error
  })
  return {
    compress(data) {
      return new Promise((resolve, reject) => {
        if (failure !== undefined) return reject(failure)
        gzip.write(data)
        gzip.flush(constants.Z_SYNC_FLUSH, () => {
          // Output pushed while the flush completed may still be on its way to 'data': let it land first.
          setImmediate(() => {
            if (failure !== undefined) return reject(failure)
            const bytes = Buffer.concat(output)
            output = []
            resolve(bytes)
          })
        })
      })
    },
    destroy() {
      gzip.destroy()
    },
  }
}

/**
 * The bytes that end a sync-flushed gzip stream: an empty final stored block, then the CRC-32 and length
 * (mod 2^32) of all uncompressed bytes.
 * @example gzipTrailer(crc32('line\n'), 5) // 13 bytes
 */
export function gzipTrailer(crc: number, size: number): Buffer {
  const trailer = Buffer.alloc(13)
  trailer.set([0x01, 0x00, 0x00, 0xff, 0xff])
  trailer.writeUInt32LE(crc >>> 0, 5)
  trailer.writeUInt32LE(size % 2 ** 32, 9)
  return trailer
}

/**
 * The running CRC-32 of uncompressed bytes, as the gzip trailer needs it.
 * @example let crc = 0; crc = updateCrc(crc, Buffer.from('a'))
 */
export function updateCrc(crc: number, data: Uint8Array): number {
  return crc32(data, crc)
}
