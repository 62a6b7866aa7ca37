/**
 * Parallax as a user gets it: the package `npm pack` makes, unpacked into an app's node_modules (where
 * Node strips no TypeScript types), with only its declared dependencies beside it. The app records itself
 * with `node --import parallax/register`, inspects and replays the recording with the `parallax` command,
 * and type-checks against the package's declarations.
 */
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, runNode } from '../support/run-node.ts'

const exec = promisify(execFile)
const SECRET = 'installed-bearer-5f1c2a9e7d3b'

let work: string
let app: string

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'parallax-installed-'))
  // The package as `npm pack` makes it: package.json, bin/, schema/ and dist/ built by `npm run build`
  // (here into a staging copy, so the repository's own tree stays as it is).
  const stage = join(work, 'stage')
  await mkdir(stage)
  for (const entry of ['package.json', 'bin', 'schema', 'README.md']) {
    await cp(join(ROOT, entry), join(stage, entry), { recursive: true })
  }
  const built = await runNode(
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      join(stage, 'dist'),
    ],
    ROOT,
  )
  expect(built.stdout + built.stderr, 'the build (npm run build)').toBe('')
  const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: stage,
  })
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>
  const shipped = packed!.files.map((file) => file.path)
  expect(shipped).toContain('dist/record/register.js')
  expect(shipped.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([])
  expect(shipped.filter((path) => path.includes('.test.'))).toEqual([])

  app = join(work, 'app')
  const modules = join(app, 'node_modules')
  await mkdir(modules, { recursive: true })
  await exec('tar', ['-xzf', join(work, packed!.filename), '-C', modules])
  await rename(join(modules, 'package'), join(modules, 'parallax'))
  // Only the declared dependencies (and @types/node for the type check): an undeclared import fails here.
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>
  }
  for (const name of [...Object.keys(pkg.dependencies), '@types/node']) {
    await mkdir(dirname(join(modules, name)), { recursive: true })
    await symlink(join(ROOT, 'node_modules', name), join(modules, name), 'dir')
  }
  await writeFile(join(app, 'package.json'), '{ "name": "shop", "type": "module", "private": true }\n')
}, 120_000)

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

const cli = (args: string[], env: Record<string, string> = {}) =>
  runNode([join(app, 'node_modules/parallax/bin/parallax.js'), ...args], app, 60_000, env)

describe('the packed package, installed in an app', () => {
  it('runs the parallax command from node_modules', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    const result = await cli(['--version'])
    expect(result.stderr).toBe('')
    expect(result.stdout.trim()).toBe(pkg.version)
  })

  it('records with --import parallax/register, then inspects and replays the recording', async () => {
    await writeFile(
      join(app, 'server.mjs'),
      `import { createServer } from 'node:http'
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ path: req.url, at: Date.now() }))
})
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'))
process.on('SIGTERM', () => server.close())
`,
    )
    const child = spawn(process.execPath, ['--import', 'parallax/register', 'server.mjs'], {
      cwd: app,
      env: { ...process.env, PARALLAX_OUT: 'recordings', PARALLAX_SAMPLE: '1', PARALLAX_SERVICE: 'shop' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    const [first] = (await once(child.stdout, 'data')) as [Buffer]
    const port = Number(first.toString().trim())
    const answer = await fetch(`http://127.0.0.1:${port}/items?page=2`, {
      headers: { authorization: `Bearer ${SECRET}` },
    })
    expect(answer.status).toBe(200)
    await answer.arrayBuffer()
    child.kill('SIGTERM')
    const [code] = await once(child, 'exit')
    expect(code, stderr).toBe(0)

    const segments = (await readdir(join(app, 'recordings'))).filter((name) => name.endsWith('.ndjson'))
    expect(segments).toHaveLength(1)
    const written = await readFile(join(app, 'recordings', segments[0]!), 'utf8')
    expect(written).toContain('/items?page=2')
    expect(written).not.toContain(SECRET)

    const inspected = await cli(['inspect', 'recordings', '--json'])
    expect(inspected.code, inspected.stderr).toBe(0)
    expect(JSON.parse(inspected.stdout)).toMatchObject({ recordings: 1 })

    // A pipeline and a scenario of the app's own, importing the package: replay runs them in isolates
    // started from the package's built entry.
    await writeFile(
      join(app, 'pipeline.mjs'),
      `import { definePipeline, stage } from 'parallax'
export const pipeline = definePipeline('shop', [
  stage('read', (request) => ({ url: request.url })),
  stage('answer', (seen, ctx) => ({ note: ctx.config.shout ? seen.url.toUpperCase() : seen.url })),
])
`,
    )
    await writeFile(
      join(app, 'scenario.mjs'),
      `import { defineScenario } from 'parallax'
export const scenario = defineScenario({
  name: 'shop',
  pipeline: { module: './pipeline.mjs' },
  recordings: './recordings',
  variants: { local: { config: {} }, production: { config: { shout: true } } },
})
`,
    )
    const replayed = await cli(['replay', 'scenario.mjs', '--json'])
    expect(replayed.code, replayed.stderr).toBe(1)
    const report = JSON.parse(replayed.stdout) as { recordings: Array<{ divergence: { culprit?: string } }> }
    expect(report.recordings.map((recording) => recording.divergence.culprit)).toEqual(['answer'])
  }, 120_000)

  it("type-checks an app's TypeScript against the package's declarations", async () => {
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2024',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    )
    await writeFile(
      join(app, 'consumer.ts'),
      `import { definePipeline, stage } from 'parallax'
import { startRecorder } from 'parallax/record'
export const pipeline = definePipeline('typed', [stage('double', (n: number) => n * 2)])
export const start: typeof startRecorder = startRecorder
`,
    )
    const checked = await runNode([join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], app)
    expect(checked.stdout + checked.stderr).toBe('')
    expect(checked.code).toBe(0)
  }, 60_000)
})
