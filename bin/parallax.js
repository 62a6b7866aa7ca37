#!/usr/bin/env node
// The `parallax` command. Sources are TypeScript run by Node's own type stripping (Node >= 22.18).
import { main } from '../src/cli/main.ts'

process.exitCode = await main(process.argv.slice(2))
