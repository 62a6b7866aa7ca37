#!/usr/bin/env node
// The `parallax` command. In this repository it runs the TypeScript sources with Node's own type
// stripping (Node >= 22.18); installed as a package (under node_modules, where Node strips no types) it
// runs the JavaScript that `npm pack` built into dist/ (`npm run build`).
import { sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const installed = fileURLToPath(import.meta.url)
  .split(sep)
  .includes('node_modules')
const { main } = await import(installed ? '../dist/cli/main.js' : '../src/cli/main.ts')

// A reader that stops early (`parallax --help | head`) closes the pipe: stop quietly, as Unix tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

process.exitCode = await main(process.argv.slice(2))
