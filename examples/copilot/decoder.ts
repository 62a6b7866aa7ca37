/**
 * The JS glue of the WebAssembly UTF-8 decoder (decoder.wat): compiles the WAT with wabt once per
 * process, copies incoming bytes into the module's fixed-size input buffer and flushes it when full.
 */
import { readFile } from 'node:fs/promises'
import wabt from 'wabt'

/** The smallest buffer that holds one whole 4-byte sequence. */
const MIN_BUFFER_SIZE = 4
/** 1 MiB: input plus UTF-16 output then needs 3 MiB of linear memory. */
const MAX_BUFFER_SIZE = 1024 * 1024
/** Arguments per `String.fromCharCode` call, well below engine limits. */
const UNITS_PER_CALL = 8192

// Read before any replay patches the clock: the compile time is the framework's concern, not the pipeline's.
const realNow = performance.now.bind(performance)

// The WebAssembly global is in neither the es2024 lib nor @types/node; this is the slice the glue uses.
interface WasmModule {
  readonly [Symbol.toStringTag]: string
}
interface WasmInstance {
  readonly exports: Record<string, unknown>
}
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<WasmModule>
  instantiate(module: WasmModule, imports?: Record<string, never>): Promise<WasmInstance>
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly

interface DecoderExports {
  memory: { readonly buffer: ArrayBuffer }
  configure(capacity: number): number
  decode(length: number): number
}

/** The compiled decoder module and how long compiling it took. */
export interface LoadedDecoder {
  /** A `WebAssembly.Module`, shared by every decoder of the process. */
  readonly module: WasmModule
  /** Milliseconds from reading decoder.wat to a compiled module: wabt start-up, WAT parsing, WebAssembly compilation. */
  readonly compileMs: number
  /** Size of the compiled binary, in bytes. */
  readonly wasmBytes: number
}

/** Options of a stream decoder. */
export interface StreamDecoderOptions {
  /** Size of the module's input buffer in bytes: the decoder flushes every time it fills. 4 to 1 MiB. */
  bufferSize: number
}

/** A UTF-8 stream decoder backed by one instance of the WebAssembly module. */
export interface StreamDecoder {
  /** Buffers `bytes`, decoding every full buffer; returns the text decoded by this call (maybe empty). */
  write(bytes: Uint8Array): string
  /** Decodes what is left in the buffer; the decoder cannot be written to afterwards. */
  end(): string
}

let loading: Promise<LoadedDecoder> | undefined

/**
 * Compiles decoder.wat on first call and returns the same compiled module on every later call.
 * @example const { compileMs } = await loadDecoder()
 */
export function loadDecoder(): Promise<LoadedDecoder> {
  loading ??= compileDecoder().catch((error: unknown) => {
    loading = undefined
    throw error
  })
  return loading
}

async function compileDecoder(): Promise<LoadedDecoder> {
  const startedAt = realNow()
  const source = await readFile(new URL('./decoder.wat', import.meta.url), 'utf8')
  const toolkit = await wabt()
  const parsed = toolkit.parseWat('decoder.wat', source)
  let binary: Uint8Array
  try {
    parsed.resolveNames()
    parsed.validate()
    binary = parsed.toBinary({}).buffer
  } finally {
    parsed.destroy()
  }
  const module = await webAssembly.compile(binary)
  return { module, compileMs: realNow() - startedAt, wasmBytes: binary.byteLength }
}

/**
 * Creates a decoder whose module flushes every `bufferSize` bytes (and once more at `end()`).
 * @example
 * const decoder = await createStreamDecoder({ bufferSize: 64 })
 * const text = decoder.write(chunk) + decoder.end()
 */
export async function createStreamDecoder(options: StreamDecoderOptions): Promise<StreamDecoder> {
  const bufferSize = checkBufferSize(options.bufferSize)
  const { module } = await loadDecoder()
  const instance = await webAssembly.instantiate(module, {})
  const wasm = decoderExports(instance)
  const output = wasm.configure(bufferSize)
  if (output < 0) {
    throw new Error(
      `Failed to create the UTF-8 decoder: cannot reserve memory for a ${bufferSize}-byte buffer.`,
    )
  }
  // `configure` may grow memory, which detaches earlier views: take them only now. Decoding never grows it.
  const input = new Uint8Array(wasm.memory.buffer, 0, bufferSize)
  const units = new Uint16Array(wasm.memory.buffer, output, bufferSize)
  let filled = 0
  let ended = false

  const flush = (): string => {
    const count = wasm.decode(filled)
    if (count < 0) throw new Error(`Failed to decode UTF-8: the module refused a ${filled}-byte flush.`)
    filled = 0
    let text = ''
    for (let start = 0; start < count; start += UNITS_PER_CALL) {
      text += String.fromCharCode(...units.subarray(start, Math.min(count, start + UNITS_PER_CALL)))
    }
    return text
  }

  return {
    write(bytes) {
      if (ended) throw new Error('Failed to decode UTF-8: write() after end().')
      let text = ''
      let offset = 0
      while (offset < bytes.byteLength) {
        const take = Math.min(bufferSize - filled, bytes.byteLength - offset)
        input.set(bytes.subarray(offset, offset + take), filled)
        filled += take
        offset += take
        if (filled === bufferSize) text += flush()
      }
      return text
    },
    end() {
      if (ended) throw new Error('Failed to decode UTF-8: end() called twice.')
      ended = true
      return filled > 0 ? flush() : ''
    },
  }
}

/**
 * Decodes a sequence of byte chunks as one UTF-8 stream through a decoder of the given buffer size.
 * @example const text = await decodeChunks([new TextEncoder().encode('héllo')], 65536)
 */
export async function decodeChunks(chunks: readonly Uint8Array[], bufferSize: number): Promise<string> {
  const decoder = await createStreamDecoder({ bufferSize })
  let text = ''
  for (const chunk of chunks) text += decoder.write(chunk)
  return text + decoder.end()
}

function checkBufferSize(bufferSize: number): number {
  if (
    typeof bufferSize !== 'number' ||
    !Number.isInteger(bufferSize) ||
    bufferSize < MIN_BUFFER_SIZE ||
    bufferSize > MAX_BUFFER_SIZE
  ) {
    throw new RangeError(
      `Failed to create the UTF-8 decoder: bufferSize must be an integer from ${MIN_BUFFER_SIZE} to ${MAX_BUFFER_SIZE} (1 MiB), got ${String(bufferSize)}.`,
    )
  }
  return bufferSize
}

function decoderExports(instance: WasmInstance): DecoderExports {
  const { memory, configure, decode } = instance.exports
  const buffer = (memory as { buffer?: unknown } | undefined)?.buffer
  if (!(buffer instanceof ArrayBuffer) || typeof configure !== 'function' || typeof decode !== 'function') {
    throw new Error(
      'Failed to create the UTF-8 decoder: decoder.wat does not export memory, configure and decode.',
    )
  }
  return instance.exports as unknown as DecoderExports
}
