/**
 * Runs one replay's network in whatever isolate loads it (worker thread or child process) and reports
 * what the code under test saw, for isolation.test.ts.
 */
import { parentPort } from 'node:worker_threads'
import { exchange, recordingWith, serve, UPSTREAM } from './network-fixtures.ts'

const realFetch = globalThis.fetch
const served = serve(recordingWith([exchange({ url: `${UPSTREAM}/isolate`, body: 'from the recording' })]))
const body = await (await fetch(`${UPSTREAM}/isolate`)).text()
served.patches.restore()
const result = {
  body,
  consumed: served.consumed(),
  calls: served.calls.length,
  restored: globalThis.fetch === realFetch,
}
if (parentPort) parentPort.postMessage(result)
else process.stdout.write(JSON.stringify(result))
