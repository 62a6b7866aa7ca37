import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>
}

/** The source of a built entry: `./dist/record/index.js` → `./src/record/index.ts`. */
const sourceOf = (built: string) => built.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts')

describe('package exports', () => {
  it('package exports: every code subpath is built from a source that loads and exports something', async () => {
    // The built form (dist/) is checked by test/cli/installed-package.test.ts, which packs the package.
    const entries = Object.entries(pkg.exports).flatMap(([subpath, target]) =>
      typeof target === 'string' ? [] : [[subpath, target] as const],
    )
    expect(entries.length).toBeGreaterThan(5)
    for (const [subpath, { types, default: built }] of entries) {
      expect(built, subpath).toMatch(/^\.\/dist\/.+\.js$/)
      expect(types, subpath).toBe(built.replace(/\.js$/, '.d.ts'))
      // ./register only has an effect (it starts recording): test/record/register.test.ts runs it in a child.
      if (subpath === './register') continue
      const mod = (await import(resolve(root, sourceOf(built)))) as Record<string, unknown>
      expect(Object.keys(mod).length, subpath).toBeGreaterThan(0)
    }
  })

  it('package exports: the JSON Schema export points at the checked-in schema file', () => {
    const schema = JSON.parse(
      readFileSync(resolve(root, pkg.exports['./schema/recording.json'] as string), 'utf8'),
    )
    expect(schema).toHaveProperty('$defs')
  })
})
