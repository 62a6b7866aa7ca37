import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// DESIGN.md, "The one-way flow": a layer may import only from layers to its left.
const LAYERS = [
  'recording',
  'record',
  'pipeline',
  'replay',
  'diff',
  'explain',
  'report',
  'scenario',
  'fuzz',
  'cli',
]
const SRC = resolve(import.meta.dirname, '../../src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

function layerOf(file: string): string | undefined {
  return relative(SRC, file).split('/')[0]
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)].map((m) => m[1]!)
  return specifiers.map((specifier) => resolve(dirname(file), specifier))
}

describe('architecture', () => {
  it('one-way flow: no layer imports a layer to its right', () => {
    const violations: string[] = []
    for (const file of sourceFiles(SRC)) {
      const from = layerOf(file)
      if (from === undefined || from.endsWith('.ts')) continue
      for (const target of relativeImports(file)) {
        const to = layerOf(target)
        if (to === undefined || to === from || to.endsWith('.ts')) continue
        if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) {
          violations.push(`${relative(SRC, file)} imports ${relative(SRC, target)} (${from} → ${to})`)
        }
      }
    }
    expect(violations).toEqual([])
  })

  it('one-way flow: every folder under src/ is a known layer', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
    expect(folders.filter((name) => !LAYERS.includes(name))).toEqual([])
  })

  it('one-way flow: node:fs is imported only by I/O implementations, not by pure layers', () => {
    const pure = ['pipeline', 'diff']
    const offenders = sourceFiles(SRC).filter(
      (file) => pure.includes(layerOf(file) ?? '') && /from ['"]node:fs/.test(readFileSync(file, 'utf8')),
    )
    expect(offenders.map((file) => relative(SRC, file))).toEqual([])
  })
})
