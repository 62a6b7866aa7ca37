/**
 * The JUnit report: well-formed XML 1.0 (checked by a strict parser below, no dependency), one test case per
 * recording and per invalid line, failures that name the culprit stage, paths and replay key, errors for
 * failed replays, and hostile recorded text that stays valid XML and readable. Also over the real demo.
 */
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { groupDivergences } from '../../src/report/group-divergences.ts'
import { renderJunit, xmlAttribute, xmlText } from '../../src/report/render-junit.ts'
import { renderMarkdown } from '../../src/report/render-markdown.ts'
import type { RecordingOutcome, ReplayRun } from '../../src/report/types.ts'
import { loadScenario, runScenario } from '../../src/scenario/index.ts'
import { fullRun, LOAD_ERRORS, outcomes, replayRun } from './fixtures.ts'

interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  /** The element's own text, entities decoded. */
  text: string
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
/** Any character outside XML 1.0's Char production (a lone surrogate is one in `u` mode). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u
const NAME = /[A-Za-z_:][\w.:-]*/y
const REFERENCES = /^(?:[^&<]|&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)*$/
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Decodes entity and character references, rejecting a raw `<`, a bare `&` and references to non-characters. */
function decode(raw: string, where: string): string {
  if (!REFERENCES.test(raw)) throw new Error(`Bad reference or raw < in ${where}: ${JSON.stringify(raw)}`)
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_, ref: string) => {
    if (!ref.startsWith('#')) return NAMED[ref]!
    const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1))
    const char = String.fromCodePoint(code)
    if (NOT_XML_CHAR.test(char)) throw new Error(`Reference to a non-XML character in ${where}: &${ref};`)
    return char
  })
}

/**
 * A strict well-formedness check of the subset of XML a JUnit report uses (declaration, elements,
 * attributes, text, references): legal characters only, properly nested and closed tags, quoted unique
 * attributes, no `]]>` in text, one root. Returns the element tree.
 */
function parseXml(xml: string): XmlElement {
  if (!xml.startsWith(DECLARATION)) throw new Error('Missing or different XML declaration.')
  const bad = NOT_XML_CHAR.exec(xml)
  if (bad) throw new Error(`Illegal XML character U+${bad[0].codePointAt(0)!.toString(16)} at ${bad.index}.`)
  let pos = DECLARATION.length
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  const readName = (): string => {
    NAME.lastIndex = pos
    const match = NAME.exec(xml)
    if (!match) throw new Error(`Expected a name at ${pos}: ${JSON.stringify(xml.slice(pos, pos + 20))}`)
    pos = NAME.lastIndex
    return match[0]
  }
  const skipSpace = () => {
    while (pos < xml.length && ' \t\n\r'.includes(xml[pos]!)) pos++
  }
  while (pos < xml.length) {
    if (xml.startsWith('</', pos)) {
      pos += 2
      const name = readName()
      skipSpace()
      if (xml[pos] !== '>') throw new Error(`Expected > closing ${name} at ${pos}.`)
      pos++
      const open = stack.pop()
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}> at ${pos}.`)
      continue
    }
    if (xml[pos] === '<') {
      pos++
      const element: XmlElement = { name: readName(), attributes: {}, children: [], text: '' }
      if (stack.length === 0) {
        if (root) throw new Error(`Second root element <${element.name}>.`)
        root = element
      } else stack.at(-1)!.children.push(element)
      for (;;) {
        const before = pos
        skipSpace()
        if (xml.startsWith('/>', pos)) {
          pos += 2
          break
        }
        if (xml[pos] === '>') {
          pos++
          stack.push(element)
          break
        }
        if (pos === before) throw new Error(`Expected whitespace before an attribute at ${pos}.`)
        const attribute = readName()
        if (Object.hasOwn(element.attributes, attribute)) throw new Error(`Duplicate attribute ${attribute}.`)
        const quote = xml[pos + 1]
        if (xml[pos] !== '=' || (quote !== '"' && quote !== "'"))
          throw new Error(`Expected ="…" after ${attribute} at ${pos}.`)
        const end = xml.indexOf(quote, pos + 2)
        if (end < 0) throw new Error(`Unterminated attribute ${attribute}.`)
        element.attributes[attribute] = decode(xml.slice(pos + 2, end), `@${attribute}`)
        pos = end + 1
      }
      continue
    }
    const end = xml.indexOf('<', pos) < 0 ? xml.length : xml.indexOf('<', pos)
    const raw = xml.slice(pos, end)
    if (raw.includes(']]>')) throw new Error(`]]> in text at ${pos}.`)
    const text = decode(raw, 'text')
    if (stack.length === 0) {
      if (text.trim() !== '') throw new Error(`Text outside the root element at ${pos}.`)
    } else stack.at(-1)!.text += text
    pos = end
  }
  if (stack.length > 0) throw new Error(`Unclosed <${stack.at(-1)!.name}>.`)
  if (!root) throw new Error('No root element.')
  return root
}

function testcases(root: XmlElement): XmlElement[] {
  expect(root.name).toBe('testsuites')
  expect(root.children).toHaveLength(1)
  const suite = root.children[0]!
  expect(suite.name).toBe('testsuite')
  return suite.children.filter((child) => child.name === 'testcase')
}

function caseNamed(cases: XmlElement[], id: string): XmlElement {
  const found = cases.find((c) => c.attributes['name']?.endsWith(`(${id})`))
  if (!found) throw new Error(`No test case for ${id}.`)
  return found
}

describe('the strict XML check of these tests', () => {
  it('parseXml: rejects what XML 1.0 rejects', () => {
    const ok = `${DECLARATION}<a x="1"><b/>t &amp; &#10;</a>\n`
    expect(parseXml(ok).children[0]!.name).toBe('b')
    for (const bad of [
      '<a>&</a>',
      '<a>1 < 2</a>',
      '<a>]]></a>',
      '<a x="1" x="2"/>',
      '<a><b></a></b>',
      '<a x="<"/>',
      '<a>\u0001</a>',
      '<a>\ud800</a>',
      '<a>\uffff</a>',
      '<a>&#1;</a>',
      '<a/><b/>',
      '<a>',
    ])
      expect(() => parseXml(`${DECLARATION}${bad}`), bad).toThrow()
  })
})

describe('renderJunit', () => {
  it('renderJunit: one test case per recording and invalid line, with counts CI tools read', () => {
    const root = parseXml(renderJunit(fullRun()))
    expect(root.attributes).toMatchObject({
      name: 'parallax copilot: local vs production',
      tests: '8',
      failures: '5',
      errors: '2',
      time: '2.134',
    })
    const suite = root.children[0]!
    expect(suite.attributes).toMatchObject({ name: 'copilot', tests: '8', failures: '5', errors: '2' })
    const cases = testcases(root)
    expect(cases).toHaveLength(8)
    expect(cases[0]!.attributes).toMatchObject({
      classname: 'copilot.POST /suggest',
      name: 'POST /suggest (en-stream)',
    })
    for (const c of cases) expect(c.attributes['time']).toMatch(/^\d+\.\d{3}$/)
    expect(caseNamed(cases, 'en-stream').children).toEqual([])
  })

  it('renderJunit: a divergence is a failure naming the culprit stage, the paths, the propagation and the replay key', () => {
    const cases = testcases(parseXml(renderJunit(fullRun())))
    const failure = only(caseNamed(cases, 'fr-abort').children)
    expect(failure.name).toBe('failure')
    expect(failure.attributes['type']).toBe('divergence')
    expect(failure.attributes['message']).toBe(
      'diverges at stage decode: $.documents[1].text, $.documents[2], $.documents[3] (+4 more)',
    )
    expect(failure.text).toContain('Diverges at stage decode (local → production).')
    expect(failure.text).toContain('Changed paths (7):')
    expect(failure.text).toContain(
      '$.documents[1].text: "Pour annuler une requête en cours, appelez controller.abort() avant la fin du flux." → "Pour annuler une requ\\ufffd\\ufffdte',
    )
    expect(failure.text).toContain('$.documents[2]: added {"id":"x0"')
    expect(failure.text).toContain('Propagated to: infer, render')
    expect(failure.text).toContain(
      'Replay: parallax replay scenarios/copilot.ts --recording fr-abort --variants local,production --seed 1',
    )
    const probe = only(caseNamed(cases, 'fr-scores').children)
    expect(probe.attributes['message']).toBe('diverges at stage retrieve (probe retrieve:scores): $[1]')
    expect(probe.text).toContain('Checkpoint: retrieve:scores')
    expect(probe.text).toContain('$[1]: 0.42 → 0.4')
  })

  it('renderJunit: an external divergence names its source and stage', () => {
    const cases = testcases(parseXml(renderJunit(fullRun())))
    const outbound = only(caseNamed(cases, 'fr-region').children)
    expect(outbound.attributes['message']).toBe(
      'diverges outside the pipeline at stage retrieve (outbound requests): $.chunks',
    )
    expect(outbound.text).toContain('the outbound requests of stage retrieve differ')
    expect(outbound.text).toContain('GET https://search.eu.internal/v1?q=annuler (unmatched)')
    const input = only(caseNamed(cases, 'en-locale').children)
    expect(input.attributes['message']).toBe('diverges outside the pipeline at stage parse (input): $.lang')
    expect(input.text).toContain('$.lang: "fr" → "en"')
  })

  it('renderJunit: a failed replay and an invalid line are errors typed by their code, with message and hint', () => {
    const cases = testcases(parseXml(renderJunit(fullRun())))
    const error = only(caseNamed(cases, 'fr-unrecorded').children)
    expect(error.name).toBe('error')
    expect(error.attributes['type']).toBe('PARALLAX_OUTBOUND_UNMATCHED')
    expect(error.attributes['message']).toMatch(/^replay failed under production: Failed to replay GET /)
    expect(error.text).toContain('Hint: Record this request again, or allow the host in the variant.')
    expect(error.text).not.toContain('/home/ci')
    const invalid = cases.find((c) => c.attributes['name'] === 'recordings/copilot.ndjson:9')!
    expect(only(invalid.children).attributes).toMatchObject({ type: 'PARALLAX_RECORDING_INVALID' })
    expect(invalid.children[0]!.text).toContain('Fix or delete the line')
  })

  it('renderJunit: an agreeing run has no failure; output depends on the run only', () => {
    const all = outcomes()
    const run = replayRun([all.agree!])
    const xml = renderJunit(run)
    expect(parseXml(xml).attributes).toMatchObject({ tests: '1', failures: '0', errors: '0' })
    expect(renderJunit(run)).toBe(xml)
    expect(renderJunit(fullRun())).toBe(renderJunit(fullRun()))
    expect(renderJunit(fullRun(2))).toContain('time="4.268"')
  })

  it('renderJunit: hostile recorded text gives valid XML that still reads', () => {
    const all = outcomes()
    const culprit = all.culprit!
    if (culprit.result.kind !== 'compared' || culprit.result.comparison.divergence.kind !== 'stage')
      throw new Error('the culprit fixture should diverge at a stage')
    const divergence = {
      ...culprit.result.comparison.divergence,
      paths: [
        {
          op: 'replace' as const,
          path: '$["<b>&\\"]]>\'"]',
          before: '\x1b[2J\u0000<script>alert(1)</script>',
          after: 'a\ud800b\uffff]]>\u0085',
        },
      ],
    }
    const hostileId = 'id <&"\'>\u0000\u0007\x1b[31mred\x1b[0m\ud800\ufffe]]>'
    const hostile: RecordingOutcome = {
      ...culprit,
      recordingId: hostileId,
      route: 'GET /a?b=1&c=<x>]]>\r\n',
      replayKey: 'parallax replay "x]]>" --recording \x1b]8;;http://evil\x07id',
      result: {
        ...culprit.result,
        comparison: { ...culprit.result.comparison, divergence },
      },
    }
    const failed: RecordingOutcome = {
      ...all.failed!,
      recordingId: 'f\udc00',
      result: {
        kind: 'failed',
        variant: 'prod<>',
        error: { name: 'Error', code: 'X"<&', message: 'bad ]]> \x1b[1mbold\x1b[22m\ufffe', hint: 'h & <i>' },
        runs: [],
      },
    }
    const loadError = {
      ...LOAD_ERRORS[0]!,
      message: 'line \u0001 <oops> & "more"',
      details: { file: 'a<b>.ndjson' },
    }
    const run: ReplayRun = { ...replayRun([hostile, failed], [loadError]), scenario: 'scen<&>"\u0007' }
    const xml = renderJunit(run)
    expect(xml).not.toMatch(/\x1b/)
    const root = parseXml(xml)
    const cases = testcases(root)
    expect(cases).toHaveLength(3)
    expect(root.children[0]!.attributes['name']).toBe('scen<&>"\\x07')

    const first = cases[0]!
    expect(first.attributes['name']).toBe(
      'GET /a?b=1&c=<x>]]>\\r\\n (id <&"\'>\\x00\\x07red\\ud800\\ufffe]]>)',
    )
    expect(first.attributes['classname']).toBe('scen<&>"\\x07.GET /a?b=1&c=<x>]]>\\r\\n')
    const failure = only(first.children)
    expect(failure.attributes['message']).toBe('diverges at stage decode: $["<b>&\\"]]>\'"]')
    expect(failure.text).toContain('"\\x1b[2J\\x00<script>alert(1)</script>" → "a\\ud800b')
    expect(failure.text).toContain('Replay: parallax replay "x]]>" --recording id')
    expect(failure.text).not.toContain('evil')

    const error = only(cases[1]!.children)
    expect(error.attributes['type']).toBe('X"<&')
    expect(error.attributes['message']).toBe('replay failed under prod<>: bad ]]> bold\\ufffe')
    expect(error.text).toContain('Hint: h & <i>')
    const invalid = cases[2]!
    expect(invalid.attributes['name']).toBe('a<b>.ndjson')
    expect(only(invalid.children).attributes['message']).toBe('invalid recording: line \\x01 <oops> & "more"')
  })

  it('xmlText and xmlAttribute: escape markup, keep line breaks in attributes, drop what XML forbids', () => {
    expect(xmlText('a < b && c ]]> \u0007\ud800\uffff\r')).toBe('a &lt; b &amp;&amp; c ]]&gt; &#13;')
    expect(xmlAttribute('say "hi" & \'bye\'\n\t<')).toBe(
      'say &quot;hi&quot; &amp; &apos;bye&apos;&#10;&#9;&lt;',
    )
    expect(xmlText('😀 é')).toBe('😀 é')
  })
})

describe('reports over the copilot demo', () => {
  const root = resolve(import.meta.dirname, '../..')
  let run: ReplayRun

  beforeAll(async () => {
    run = await runScenario(await loadScenario(join(root, 'scenarios/copilot.ts')), { cwd: root })
  })

  it('copilot demo: the divergences group at decode, 5 recordings in all', () => {
    const groups = groupDivergences(run)
    expect(groups.length).toBeGreaterThan(0)
    for (const group of groups) expect(group).toMatchObject({ kind: 'stage', stage: 'decode' })
    expect(groups.reduce((sum, group) => sum + group.count, 0)).toBe(5)
    for (const group of groups)
      if (group.kind === 'stage')
        for (const entry of group.signature) expect(entry.path).toMatch(/^\$\.documents\[\*\]/)
  })

  it('copilot demo: the JUnit report has 8 test cases, 5 failures at decode', () => {
    const cases = testcases(parseXml(renderJunit(run)))
    expect(cases).toHaveLength(8)
    const failures = cases.flatMap((c) => c.children).filter((child) => child.name === 'failure')
    expect(failures).toHaveLength(5)
    for (const failure of failures) {
      expect(failure.attributes['message']).toMatch(
        /^diverges at stage decode( \(probe decode:\w+\))?: \$\.documents\[\d+\]/,
      )
      expect(failure.text).toContain('Propagated to: infer, render')
      expect(failure.text).toContain('Replay: parallax replay scenarios/copilot.ts --recording ')
    }
  })

  it('copilot demo: the Markdown report names decode', () => {
    const markdown = renderMarkdown(run)
    expect(markdown).toContain('**5 of 8 recordings diverge**')
    expect(markdown).toMatch(/\| 1 \| `decode`( \(probe `\w+`\))? \|/)
    expect(markdown).toContain('parallax replay scenarios/copilot.ts --recording ')
  })
})

function only<T>(list: readonly T[]): T {
  expect(list).toHaveLength(1)
  return list[0]!
}
