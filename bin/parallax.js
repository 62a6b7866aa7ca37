#!/usr/bin/env node
// The `parallax` command. Sources are TypeScript run by Node's own type stripping (Node >= 22.18).
import { main } from '../src/cli/main.ts'

// A reader that stops early (`parallax --help | head`) closes the pipe: stop quietly, as Unix tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

process.exitCode = await main(process.argv.slice(2))
