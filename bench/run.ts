/**
 * Runs the benchmarks: `npm run bench` runs every `bench/*.bench.ts`; `npm run bench -- diff record`
 * runs only the files whose name contains one of the words.
 *
 * Convention for a bench file (`bench/<area>.bench.ts`):
 *   export async function run(): Promise<SuiteResult[]>
 * It builds its inputs, calls `runSuite` from `./harness.ts` once per suite (which prints the table),
 * and returns the suites' results. Targets are ratios to a baseline measured in the same run; the
 * process exits with code 1 when any target prints MISS.
 */
import { readdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { SuiteResult } from './harness.ts'

interface BenchModule {
  run(): Promise<SuiteResult[]>
}

const dir = import.meta.dirname
const filters = process.argv.slice(2)
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort()

if (files.length === 0) {
  process.stderr.write(`[parallax] No bench file matches ${filters.join(', ')} in bench/.\n`)
  process.exitCode = 2
} else {
  const misses: string[] = []
  for (const file of files) {
    process.stdout.write(`\n▶ ${basename(file, '.bench.ts')}\n`)
    const module = (await import(pathToFileURL(join(dir, file)).href)) as Partial<BenchModule>
    if (typeof module.run !== 'function') {
      throw new Error(`Failed to run bench/${file}: it does not export \`async function run()\`.`)
    }
    for (const suite of await module.run()) {
      for (const target of suite.targets) if (!target.pass) misses.push(`${suite.title}: ${target.label}`)
    }
  }
  process.stdout.write(
    misses.length === 0
      ? '\nAll targets met.\n'
      : `\n${misses.length} target(s) missed:\n  ${misses.join('\n  ')}\n`,
  )
  if (misses.length > 0) process.exitCode = 1
}
