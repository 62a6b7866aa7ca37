import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string>
}

describe('package exports', () => {
  it('package exports: every TypeScript subpath loads and exports something', async () => {
    // ./register only has an effect (it starts recording): test/record/register.test.ts runs it in a child.
    const entries = Object.entries(pkg.exports).filter(
      ([subpath, target]) => target.endsWith('.ts') && subpath !== './register',
    )
    expect(entries.length).toBeGreaterThan(5)
    for (const [subpath, target] of entries) {
      const mod = (await import(resolve(root, target))) as Record<string, unknown>
      expect(Object.keys(mod).length, subpath).toBeGreaterThan(0)
    }
  })

  it('package exports: the JSON Schema export points at the checked-in schema file', () => {
    const schema = JSON.parse(readFileSync(resolve(root, pkg.exports['./schema/recording.json']!), 'utf8'))
    expect(schema).toHaveProperty('$defs')
  })
})
