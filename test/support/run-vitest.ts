/**
 * Runs vitest in a child process, rooted at a temp folder, and returns its JSON report: for tests of what
 * parallax generates or exports for vitest (replaySuite, repro files).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT, runNode } from './run-node.ts'

export interface VitestReport {
  numPassedTests: number
  numFailedTests: number
  testResults: Array<{
    assertionResults: Array<{ title: string; status: string; failureMessages: string[] }>
  }>
}

/**
 * Runs `vitest run [file]` with `--root dir` and the JSON reporter.
 * @example const report = await runVitest(dir, 'decode-1a2b3c4d.test.ts')
 */
export async function runVitest(dir: string, file?: string): Promise<VitestReport> {
  const output = join(dir, `report-${Date.now()}.json`)
  await runNode(
    [
      join(ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      ...(file === undefined ? [] : [file]),
      '--root',
      dir,
      '--reporter=json',
      `--outputFile=${output}`,
    ],
    ROOT,
    120_000,
  )
  return JSON.parse(await readFile(output, 'utf8')) as VitestReport
}
