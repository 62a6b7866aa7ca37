/**
 * `npm run demo` — the whole parallax loop on the copilot example, in one process:
 *
 * 1. record: the copilot service runs with its production configuration behind the in-process recorder,
 *    and answers realistic requests (plain ASCII, accents, emoji, Japanese) using a data source on loopback;
 * 2. replay: every recording is replayed under the local and the production configuration side by side,
 *    each variant in its own worker thread, offline (the data source is stopped by then: its answers come
 *    from the recording);
 * 3. diff: the two traces are compared stage by stage and the report names the culprit stage and the paths.
 *
 * `npm run demo -- --update-recordings` records into the checked-in `recordings/copilot/` instead (the data
 * source then listens on the port the scenario's configs name, 4010), which `scenarios/copilot.ts` replays.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createRecorder } from '../../src/record/index.ts'
import { type Recording, writeSegment } from '../../src/recording/index.ts'
import { renderHtml, renderTerminal, statusOf } from '../../src/report/index.ts'
import { defineScenario, resolveScenario, runScenario } from '../../src/scenario/index.ts'
import { type CopilotConfig, localConfig, productionConfig, withDataSource } from './config.ts'
import { startDataSource } from './data-source.ts'
import { demoRequests } from './requests.ts'
import { startCopilotService } from './server.ts'

const root = resolve(import.meta.dirname, '../..')
const { values: flags } = parseArgs({
  options: { 'update-recordings': { type: 'boolean', default: false }, 'no-color': { type: 'boolean' } },
})
const update = flags['update-recordings'] === true
const color = flags['no-color'] !== true && !process.env['NO_COLOR'] && Boolean(process.stdout.isTTY)
const say = (line: string) => process.stderr.write(`[demo] ${line}\n`)

// 1. Record production traffic.
const dataSource = await startDataSource(update ? { port: fixedPort(localConfig) } : {})
const recordings: Recording[] = []
const recorder = createRecorder({
  service: 'copilot',
  environment: 'production',
  version: '1.4.2',
  pipeline: 'copilot',
  onRecording: (recording) => recordings.push(recording),
})
const production = await startCopilotService({
  config: withDataSource(productionConfig, dataSource.url),
  wrap: recorder.wrap,
})
say(`recording ${demoRequests.length} requests to the copilot service (production configuration) …`)
try {
  for (const request of demoRequests) {
    const response = await fetch(`${production.url}/suggest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': request.name },
      body: JSON.stringify(request.body),
    })
    await response.arrayBuffer()
    if (!response.ok) throw new Error(`The copilot service answered ${response.status} to ${request.name}.`)
  }
  await waitFor(() => recordings.length >= demoRequests.length)
} finally {
  await production.close()
  await dataSource.close()
  recorder.close()
}

const folder = update ? join(root, 'recordings/copilot') : join(root, '.parallax/demo/recordings')
if (!update) await rm(folder, { recursive: true, force: true })
await mkdir(folder, { recursive: true })
const segment = join(folder, 'copilot.ndjson')
await writeSegment(segment, recordings, update ? { createdAt: recordings[0]?.recordedAt } : {})
say(
  `wrote ${recordings.length} recordings to ${relative(process.cwd(), segment)}; the data source is stopped`,
)

// 2 and 3. Replay under both variants, diff, report.
const variantConfig = (config: CopilotConfig) => (update ? config : withDataSource(config, dataSource.url))
const scenario = resolveScenario(
  defineScenario({
    name: 'copilot',
    pipeline: { module: new URL('./pipeline.ts', import.meta.url), export: 'copilot' },
    recordings: folder,
    variants: {
      local: { config: variantConfig(localConfig) },
      production: { config: variantConfig(productionConfig) },
    },
    compare: ['local', 'production'],
  }),
  join(root, 'scenarios/copilot.ts'),
)
say('replaying every recording under local and production, each in its own worker thread …')
const run = await runScenario(scenario, {
  keepValues: true,
  onProgress: (done, total, outcome) =>
    say(`  ${done}/${total} ${outcome.recordingId}: ${statusOf(outcome.result)}`),
})
process.stdout.write(renderTerminal(run, { color, width: process.stdout.columns || 110, verbose: false }))
// The same run as a page: stage timelines side by side, the culprit highlighted, a visual diff.
const report = join(root, 'out', 'copilot-report.html')
await mkdir(dirname(report), { recursive: true })
await writeFile(report, renderHtml(run))
process.stdout.write(
  `\nThe same as a page: ${relative(process.cwd(), report)} (open it in a browser; it loads nothing from the network)\n` +
    `The same from the CLI, on the checked-in recordings:\n  npx parallax replay scenarios/copilot.ts\n  npx parallax replay scenarios/copilot.ts --json\n  npx parallax replay scenarios/copilot.ts --report html=out/copilot-report.html\n` +
    `Why it diverges, and divergences not recorded yet:\n  npx parallax explain scenarios/copilot.ts --repro-dir out/repro\n  npx parallax fuzz scenarios/copilot.ts --runs 2000 --seed 7 --out out/fuzz\n`,
)
// The demo's job is to show the divergence, so finding it is success; anything else is not.
const found = run.summary.diverge > 0 && run.summary.failed === 0 && run.summary.invalid === 0
if (!found) process.exitCode = 1

function fixedPort(config: CopilotConfig): number {
  return Number(new URL(config.dataSource.url).port)
}

async function waitFor(done: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !done(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  if (!done()) throw new Error('The recorder did not finish every recording within 2 s.')
}
