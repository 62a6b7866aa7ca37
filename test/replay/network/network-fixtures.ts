/**
 * Recordings and a serveFromRecording harness for the network tests: every call and error the replay
 * reports is kept, and every patch unwinds after each test.
 */

import type { OutboundTrace } from '../../../src/pipeline/types.ts'
import { createPatchRegistry, type PatchRegistry } from '../../../src/record/patch-registry.ts'
import { bodyFromBytes } from '../../../src/recording/body.ts'
import type { ParallaxError } from '../../../src/recording/errors.ts'
import type { Exchange, HeaderList, RecordedResponse, Recording } from '../../../src/recording/types.ts'
import { serveFromRecording } from '../../../src/replay/network/index.ts'

export const UPSTREAM = 'http://upstream.invalid'

export interface ExchangeSpec {
  method?: string
  url: string
  requestBody?: string
  requestHeaders?: HeaderList
  status?: number
  statusText?: string
  headers?: HeaderList
  body?: string | Buffer
  chunks?: number[]
  incomplete?: string
  truncateAt?: number
}

/** One recorded exchange, built from the parts a test cares about. */
export function exchange(spec: ExchangeSpec): Exchange {
  const response: RecordedResponse = {
    status: spec.status ?? 200,
    headers: spec.headers ?? [['content-type', 'application/json']],
  }
  if (spec.statusText !== undefined) response.statusText = spec.statusText
  if (spec.body !== undefined) response.body = bodyFromBytes(Buffer.from(spec.body), spec.truncateAt)
  if (spec.chunks) response.chunks = spec.chunks.map((size, i) => ({ offsetMs: i * 10, size }))
  if (spec.incomplete !== undefined) response.incomplete = spec.incomplete
  return {
    request: {
      method: spec.method ?? 'GET',
      url: spec.url,
      headers: spec.requestHeaders ?? [['accept', '*/*']],
      ...(spec.requestBody === undefined ? {} : { body: bodyFromBytes(Buffer.from(spec.requestBody)) }),
    },
    response,
    startedAtMs: 1,
    durationMs: 2,
  }
}

/** A recording whose outbound calls are `outbound`. */
export function recordingWith(outbound: Exchange[], id = 'network-test'): Recording {
  return {
    id,
    recordedAt: '2026-11-24T08:00:00.000Z',
    meta: { service: 'network-test', environment: 'production' },
    inbound: {
      request: { method: 'GET', url: 'http://service.invalid/', headers: [] },
      response: { status: 200, headers: [] },
      startedAtMs: 0,
      durationMs: 5,
    },
    outbound,
    nondeterminism: { clock: [], random: [], uuids: [] },
  }
}

export interface ServedNetwork {
  patches: PatchRegistry
  calls: OutboundTrace[]
  errors: ParallaxError[]
  consumed(): number
}

/** Serves `recording` and records what the replay reports; call `restore()` in afterEach. */
export function serve(recording: Recording, allowHosts?: string[]): ServedNetwork {
  const patches = createPatchRegistry()
  const calls: OutboundTrace[] = []
  const errors: ParallaxError[] = []
  const network = serveFromRecording(recording, {
    patches,
    onCall: (call, error) => {
      calls.push(call)
      if (error) errors.push(error)
    },
    ...(allowHosts ? { allowHosts } : {}),
  })
  return { patches, calls, errors, consumed: () => network.consumed() }
}
