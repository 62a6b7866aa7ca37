/**
 * `npm run demo` — interim: the copilot service answers the demo requests under its local and its
 * production configuration, and the answers are compared. This shows the bug parallax must pinpoint;
 * recording, replay and the stage-by-stage culprit report land with the rest of issue #2.
 */
import { isDeepStrictEqual } from 'node:util'
import { localConfig, productionConfig, withDataSource } from './config.ts'
import { startDataSource } from './data-source.ts'
import { demoRequests } from './requests.ts'
import { startCopilotService } from './server.ts'

const dataSource = await startDataSource()
const local = await startCopilotService({ config: withDataSource(localConfig, dataSource.url) })
const production = await startCopilotService({ config: withDataSource(productionConfig, dataSource.url) })

async function suggest(baseUrl: string, body: unknown): Promise<unknown> {
  const response = await fetch(new URL('/suggest', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const answer = (await response.json()) as { suggestions?: unknown }
  return answer.suggestions ?? answer
}

console.log(
  'copilot demo (interim): the same requests, answered under the local and the production configuration\n',
)
let differing = 0
try {
  for (const request of demoRequests) {
    const [left, right] = await Promise.all([
      suggest(local.url, request.body),
      suggest(production.url, request.body),
    ])
    const same = isDeepStrictEqual(left, right)
    if (!same) differing++
    console.log(`${same ? '  same     ' : '  DIFFERS  '} ${request.name}`)
  }
} finally {
  await Promise.all([local.close(), production.close(), dataSource.close()])
}
console.log(`\n${differing} of ${demoRequests.length} answers differ between local and production.`)
console.log(
  'Which stage introduces the difference is what `parallax replay` will pinpoint (work in progress, issue #2).',
)
