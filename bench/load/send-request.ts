/**
 * One GET through an undici dispatcher with a bare handler: the load generator counts status and bytes
 * without building a response stream per request, so its own CPU stays small next to the server's.
 */
import type { Dispatcher } from 'undici'

/** A request without an answer for this long fails (undici's headers and body timeouts). */
export const STUCK_MS = 10_000

/** What came back. */
export interface Answer {
  status: number
  bytes: number
}

/**
 * Sends `GET path` with `headers` and resolves when the response has ended.
 * @example const { status, bytes } = await sendRequest(pool, '/items', { accept: 'application/json' })
 */
export function sendRequest(
  dispatcher: Dispatcher,
  path: string,
  headers: Record<string, string>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let status = 0
    let bytes = 0
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart() {},
      onResponseStart(_controller, statusCode) {
        status = statusCode
      },
      onResponseData(_controller, chunk) {
        bytes += chunk.byteLength
      },
      onResponseEnd() {
        resolve({ status, bytes })
      },
      onResponseError(_controller, error) {
        reject(error)
      },
    }
    try {
      dispatcher.dispatch({ method: 'GET', path, headers }, handler)
    } catch (error) {
      reject(error)
    }
  })
}
