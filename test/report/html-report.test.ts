/**
 * The HTML report as a person opens it: rendered from the real copilot demo run, written to disk and
 * opened from file:// in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
 * It must load nothing, log no error, point at the culprit, show jsondiffpatch's visual diff, filter, and
 * stay inert under hostile recorded data. A few checks need no browser and run first.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Browser, chromium, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compareTraces } from '../../src/diff/index.ts'
import { renderHtml } from '../../src/report/render-html.ts'
import { sanitizeText } from '../../src/report/sanitize-text.ts'
import type { RecordingOutcome, ReplayRun, VariantRun } from '../../src/report/types.ts'
import { loadScenario, runScenario } from '../../src/scenario/index.ts'
import { buildTrace, type StageSpec } from '../diff/build-trace.ts'
import { fullRun, outcomes, replayRun } from './fixtures.ts'

const root = resolve(import.meta.dirname, '../..')
const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

// ── The hostile run ──────────────────────────────────────────────────────────────────────────────────

const SCRIPT_TAG = '<script>window.__pwned=1</script>'
const IMG_TAG = '<img src=x onerror="window.__pwned=2">'
const SVG_TAG = '<svg onload="window.__pwned=3">'
const JS_URL = 'javascript:alert(1)'
const CLOSE_SCRIPT = '</script>'
const ANSI_RED = '\x1b[31m'
const ANSI_CLEAR = '\x1b[2J'
const HOSTILE = `${SCRIPT_TAG}${IMG_TAG}${SVG_TAG} ${JS_URL} ${CLOSE_SCRIPT}\u2028${ANSI_RED}red${ANSI_CLEAR}\u2029`
const HOSTILE_ID = `rec-${HOSTILE}`
const HOSTILE_ROUTE = `POST /${SCRIPT_TAG}`
const HOSTILE_VARIANT = `local${IMG_TAG}`
const HOSTILE_STAGE = `decode${SVG_TAG}`

function variantRun(variant: string, names: readonly string[], threw?: string): VariantRun {
  const stages = names.map((name, index) => ({ name, ms: 0.5 + index, threw: name === threw }))
  return {
    variant,
    isolation: 'worker',
    stages,
    totalMs: stages.reduce((sum, stage) => sum + stage.ms, 0),
    outbound: { recorded: 0, consumed: 0, unmatched: 0 },
  }
}

/** A recording that diverges at a stage with a hostile name, over values full of hostile keys and strings. */
function hostileDivergence(): RecordingOutcome {
  const input = { q: HOSTILE, [JS_URL]: CLOSE_SCRIPT }
  const text = (tail: string) =>
    `A long document that mentions ${HOSTILE} and then goes on for a while ${tail}`
  const left = { [HOSTILE]: HOSTILE, docs: [{ id: 'd1', text: text(JS_URL) }], link: JS_URL }
  const right = {
    [HOSTILE]: `${HOSTILE}!`,
    docs: [{ id: 'd1', text: text(CLOSE_SCRIPT) }],
    link: `${JS_URL}//`,
    [SCRIPT_TAG]: IMG_TAG,
  }
  const specs = (output: unknown): StageSpec[] => [
    { name: 'parse', input, output: input },
    { name: HOSTILE_STAGE, input, output },
    { name: 'render', input: output, output: { html: HOSTILE } },
  ]
  const comparison = compareTraces(
    buildTrace(HOSTILE_VARIANT, specs(left), 'copilot'),
    buildTrace('production', specs(right), 'copilot'),
    { keepValues: true },
  )
  const names = ['parse', HOSTILE_STAGE, 'render']
  return {
    recordingId: HOSTILE_ID,
    source: { file: `recordings/${HOSTILE}.ndjson`, line: 1 },
    route: HOSTILE_ROUTE,
    replayKey: `parallax replay scenarios/copilot.ts --recording '${HOSTILE}' --seed 1`,
    result: {
      kind: 'compared',
      comparison,
      runs: [variantRun(HOSTILE_VARIANT, names), variantRun('production', names)],
    },
  }
}

function hostileFailure(): RecordingOutcome {
  return {
    recordingId: `failed-${IMG_TAG}`,
    source: { file: 'recordings/copilot.ndjson', line: 2 },
    route: `GET /${SVG_TAG}`,
    replayKey: `parallax replay ${JS_URL}`,
    result: {
      kind: 'failed',
      variant: HOSTILE_VARIANT,
      error: {
        name: 'ParallaxError',
        code: `PARALLAX_${SCRIPT_TAG}`,
        message: `Failed to replay GET ${HOSTILE}: the recording holds no such request.`,
        hint: `Record ${IMG_TAG} again.`,
      },
      runs: [variantRun(HOSTILE_VARIANT, ['parse', HOSTILE_STAGE], HOSTILE_STAGE)],
    },
  }
}

/** Hostile data in every field a report shows, beside two ordinary recordings on other routes. */
function hostileRun(): ReplayRun {
  const fixtures = outcomes()
  const recordings = [
    hostileDivergence(),
    hostileFailure(),
    { ...fixtures.agree!, route: 'GET /health' },
    fixtures.culprit!,
  ]
  const loadErrors = [
    {
      name: 'ParallaxError',
      code: 'PARALLAX_RECORDING_INVALID',
      message: `Failed to load recording ${HOSTILE}.`,
      hint: HOSTILE,
      details: { file: `recordings/${SVG_TAG}.ndjson`, line: 3 },
    },
  ]
  return {
    ...replayRun(recordings, loadErrors),
    scenario: `copilot${SCRIPT_TAG}`,
    pipeline: HOSTILE,
    variants: [HOSTILE_VARIANT, 'production'],
    noise: [{ rule: `ignore ${HOSTILE}`, hidden: 1, recordings: 1 }],
  }
}

/** 10,000 recordings cycling through every situation the fixtures draw. */
function largeRun(count: number): ReplayRun {
  const all = Object.values(outcomes())
  const recordings = Array.from({ length: count }, (_, index) => {
    const outcome = all[index % all.length]!
    return { ...outcome, recordingId: `${outcome.recordingId}-${index}` }
  })
  return replayRun(recordings)
}

/** No markup that could make a browser fetch anything: no resource element, attribute, url() or import. */
function expectOffline(html: string): void {
  expect(html).not.toMatch(/<link\b/i)
  expect(html).not.toMatch(/<(script|img|iframe|embed|source|audio|video|object)\b[^>]*\s(src|data)\s*=/i)
  expect(html).not.toMatch(/\b(src|href|action|srcset|poster)\s*=\s*["']?\s*(https?:)?\/\//i)
  expect(html).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i)
  expect(html).not.toMatch(/@import|@font-face/i)
  // Recorded text may mention URLs (an unmatched request's error does); no attribute may hold one.
  expect(html).not.toMatch(/=\s*["'][^"']*https?:\/\//i)
}

// ── Checks without a browser ─────────────────────────────────────────────────────────────────────────

describe('html report markup', () => {
  it('renderHtml: references nothing on the network (no link, script src, img src, url() or @import)', () => {
    for (const html of [renderHtml(fullRun()), renderHtml(hostileRun())]) expectOffline(html)
  })

  it('renderHtml: a Content-Security-Policy allows exactly the one inline script, by hash', () => {
    const html = renderHtml(hostileRun())
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)]
    expect(html.match(/<script/gi)).toHaveLength(1)
    expect(scripts).toHaveLength(1)
    const hash = createHash('sha256').update(scripts[0]![1]!).digest('base64')
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]
    expect(csp).toBe(
      `default-src &#39;none&#39;; script-src &#39;sha256-${hash}&#39;; style-src &#39;unsafe-inline&#39;; base-uri &#39;none&#39;; form-action &#39;none&#39;`,
    )
    // The CSP precedes every style and script.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'))
  })

  it('renderHtml: hostile text is escaped everywhere, with no raw control, ANSI or line-separator character', () => {
    const html = renderHtml(hostileRun())
    for (const raw of [SCRIPT_TAG, IMG_TAG, SVG_TAG]) expect(html).not.toContain(raw)
    // The page's own script is the only one closed.
    expect(html.match(/<\/script/gi)).toHaveLength(1)
    expect(html).not.toMatch(/<(img|svg|iframe|object|embed)\b/i)
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/)
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;')
  })

  it('renderHtml: is deterministic and keeps a 10,000-recording run lean', () => {
    // Size only: how fast it renders is the bench's to say (npm run bench -- group), not a test's.
    const html = renderHtml(largeRun(10_000))
    expect(html.length / 10_000).toBeLessThan(3_000)
    expect(renderHtml(largeRun(50))).toBe(renderHtml(largeRun(50)))
  })
})

// ── In Chromium ──────────────────────────────────────────────────────────────────────────────────────

const hasChromium = existsSync(CHROMIUM)
if (!hasChromium && !process.env['CI']) {
  console.warn(
    `[parallax] Skipping the Chromium checks of the HTML report: ${CHROMIUM} does not exist (apt-get install chromium). On CI (CI set) this fails instead.`,
  )
}

interface OpenedPage {
  page: Page
  url: string
  consoleErrors: string[]
  pageErrors: string[]
  requests: string[]
  dialogs: string[]
  close(): Promise<void>
}

describe.skipIf(!hasChromium && !process.env['CI'])('html report in Chromium', () => {
  let browser: Browser | undefined
  let dir: string
  let demo: ReplayRun

  beforeAll(async () => {
    if (!hasChromium) {
      throw new Error(
        `Failed to start Chromium for the HTML report tests: ${CHROMIUM} does not exist. Install Debian's chromium package (apt-get install chromium) on the CI image.`,
      )
    }
    dir = mkdtempSync(join(tmpdir(), 'parallax-html-'))
    // Settle both before throwing, so a browser that did start is always closed by afterAll.
    const [launched, ran] = await Promise.allSettled([
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 15_000 }),
      loadScenario(join(root, 'scenarios/copilot.ts')).then((scenario) =>
        runScenario(scenario, { cwd: root, keepValues: true }),
      ),
    ])
    if (launched.status === 'fulfilled') browser = launched.value
    if (launched.status === 'rejected') throw launched.reason
    if (ran.status === 'rejected') throw ran.reason
    demo = ran.value
  })

  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  /** Writes `html` to the temp dir and opens it from file://, recording everything the page does. */
  async function open(html: string, name: string): Promise<OpenedPage> {
    const file = join(dir, name)
    writeFileSync(file, html)
    const url = pathToFileURL(file).href
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    page.setDefaultTimeout(5_000)
    const opened: OpenedPage = {
      page,
      url,
      consoleErrors: [],
      pageErrors: [],
      requests: [],
      dialogs: [],
      close: () => context.close(),
    }
    page.on('console', (message) => {
      if (message.type() === 'error') opened.consoleErrors.push(message.text())
    })
    page.on('pageerror', (error) => opened.pageErrors.push(error.message))
    page.on('request', (request) => opened.requests.push(request.url()))
    page.on('dialog', (dialog) => {
      opened.dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    // Browser code is passed as text: the project's tsconfig has no DOM types.
    await page.addInitScript({
      content: `window.__violations = []
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(event.violatedDirective + ' ' + event.blockedURI)
})`,
    })
    await page.goto(url, { waitUntil: 'load' })
    return opened
  }

  async function expectClean(opened: OpenedPage): Promise<void> {
    expect(opened.consoleErrors).toEqual([])
    expect(opened.pageErrors).toEqual([])
    expect(opened.dialogs).toEqual([])
    expect(opened.requests).toEqual([opened.url])
    expect(await opened.page.evaluate('globalThis.__violations')).toEqual([])
  }

  const shownIds = (page: Page): Promise<string[]> =>
    page.evaluate(
      `[...document.querySelectorAll('details.rec:not([hidden])')].map((element) => element.dataset.id)`,
    )
  const style = (locator: Locator, property: string): Promise<string> =>
    locator.evaluate(
      (element, name) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(
          element,
        )[name]!,
      property,
    )
  const shownCount = async (page: Page) => Number(await page.textContent('#shown'))

  it('demo report: loads from file:// with no console error, no page error and no request but the file', async () => {
    const html = renderHtml(demo)
    expectOffline(html)
    const opened = await open(html, 'demo.html')
    try {
      const { page } = opened
      expect(await page.title()).toBe('parallax · copilot · local vs production')
      expect(await page.textContent('.meta')).toContain('pipeline copilot · local vs production')
      expect(await page.textContent('.counts')).toBe('8 recordings3 agree5 diverge0 failed0 invalid lines')
      expect(await shownCount(page)).toBe(8)
      // Diverging recordings come first, expanded; agreeing ones last, collapsed.
      const order = await page.evaluate(
        `[...document.querySelectorAll('details.rec')].map((element) => element.dataset.status + ':' + element.open)`,
      )
      expect(order).toEqual([...Array(5).fill('diverge:true'), ...Array(3).fill('agree:false')])
      mkdirSync(join(root, 'test-results'), { recursive: true })
      await page.screenshot({ path: join(root, 'test-results/html-report.png'), fullPage: true })
      await expectClean(opened)
    } finally {
      await opened.close()
    }
  })

  it('demo report: highlights decode as the culprit in the timeline, with infer and render propagated', async () => {
    const opened = await open(renderHtml(demo), 'culprit.html')
    try {
      const { page } = opened
      const recording = page.locator('details.rec[data-id="fr-abort"]')
      expect(await recording.locator('.where').textContent()).toBe('diverges at decode (first at probe text)')
      const culprit = recording.locator('table.timeline tr.v-culprit.is-primary')
      expect(await culprit.count()).toBe(1)
      expect(await culprit.locator('th').textContent()).toBe('decode')
      expect(await culprit.isVisible()).toBe(true)
      expect(await culprit.locator('td').last().textContent()).toBe(
        '◀ culprit: input equal, probe and output differ',
      )
      expect(await style(culprit, 'backgroundColor')).toBe('rgb(255, 235, 233)')
      expect(await recording.locator('tr.v-propagated > th').allTextContents()).toEqual(['infer', 'render'])
      // Both variants' bars, one row per stage.
      expect(await recording.locator('tr.is-primary > td > b > i').count()).toBe(2)
      expect(await recording.locator('.changes .path').first().textContent()).toBe('$.documents[2].text')
      expect(await recording.locator('.replay code').textContent()).toBe(
        'parallax replay scenarios/copilot.ts --recording fr-abort --variants local,production --seed 1',
      )
      await expectClean(opened)
    } finally {
      await opened.close()
    }
  })

  it("demo report: shows jsondiffpatch's visual diff of the culprit with its stylesheet inlined", async () => {
    const opened = await open(renderHtml(demo), 'visual-diff.html')
    try {
      const { page } = opened
      const diff = page.locator('details.rec[data-id="fr-abort"] details.vdiff')
      expect(await diff.locator(':scope > summary').textContent()).toBe(
        'Visual diff of the probe decode:text: local → production',
      )
      const delta = diff.locator('.jsondiffpatch-delta')
      expect(await delta.isVisible()).toBe(true)
      // jsondiffpatch's stylesheet applies: its monospace font and its removed/added colours.
      expect(await style(delta, 'fontFamily')).toContain('monospace')
      const removed = diff.locator('del.jsondiffpatch-textdiff-deleted')
      const added = diff.locator('ins.jsondiffpatch-textdiff-added')
      expect(await removed.first().textContent()).toBe('é')
      expect(await added.first().textContent()).toBe('\\ufffd\\ufffd')
      expect(await style(added.first(), 'backgroundColor')).toBe('rgb(187, 255, 187)')
      // The shared input is there, collapsed.
      const input = diff.locator('details.input')
      expect(await input.getAttribute('open')).toBeNull()
      expect(await input.locator('pre').textContent()).toContain('"chunks"')
      await expectClean(opened)
    } finally {
      await opened.close()
    }
  })

  it('demo report: filters by status, culprit, route and id, and counts what it shows', async () => {
    const opened = await open(renderHtml(demo), 'filters.html')
    try {
      const { page } = opened
      await page.selectOption('#f-status', 'agree')
      expect(await shownCount(page)).toBe(3)
      expect((await shownIds(page)).sort()).toEqual(['en-retry', 'en-stream', 'en-timeout'])

      await page.selectOption('#f-status', '')
      await page.selectOption('#f-culprit', 'stage:decode')
      expect(await shownCount(page)).toBe(5)
      expect((await shownIds(page)).sort()).toEqual(
        ['de-stream', 'emoji-commit', 'es-retry', 'fr-abort', 'ja-stream'].sort(),
      )

      await page.click('#f-reset')
      await page.selectOption('#f-route', 'POST /suggest')
      expect(await shownCount(page)).toBe(8)
      await page.fill('#f-search', 'FR-')
      expect(await shownIds(page)).toEqual(['fr-abort'])

      // The culprit histogram and the count chips are filters too.
      await page.click('#f-reset')
      await page.click('.culprits button[data-filter-culprit="stage:decode"]')
      expect(await shownCount(page)).toBe(5)
      await page.click('.counts button.agree')
      await page.selectOption('#f-culprit', '')
      expect(await shownCount(page)).toBe(3)
      await page.selectOption('#f-culprit', 'stage:decode')
      expect(await shownCount(page)).toBe(0)
      expect(await page.isVisible('#empty')).toBe(true)
      await expectClean(opened)
    } finally {
      await opened.close()
    }
  })

  it('hostile report: recorded scripts, handlers, javascript: URLs and ANSI escapes stay inert visible text', async () => {
    const opened = await open(renderHtml(hostileRun()), 'hostile.html')
    try {
      const { page } = opened
      expect(await page.evaluate('typeof globalThis.__pwned')).toBe('undefined')
      // Nothing but text came out of the data: one script (the page's own), no element a payload names.
      expect(await page.evaluate('document.scripts.length')).toBe(1)
      expect(await page.locator('img, svg, iframe, object, embed, a[href^="javascript" i]').count()).toBe(0)
      const handlers = await page.evaluate(
        `[...document.querySelectorAll('*')].flatMap((element) => [...element.attributes].filter((a) => a.name.startsWith('on')).map((a) => element.tagName + ' ' + a.name))`,
      )
      expect(handlers).toEqual([])

      const visible = await page.locator('body').innerText()
      for (const text of [SCRIPT_TAG, IMG_TAG, SVG_TAG, JS_URL, CLOSE_SCRIPT, HOSTILE_ROUTE, HOSTILE_STAGE]) {
        expect(visible).toContain(text)
      }
      expect(visible).toContain(sanitizeText(HOSTILE_ID))
      expect(visible).toContain(`Failed to replay GET ${sanitizeText(HOSTILE)}`)
      expect(await page.title()).toBe(`parallax · copilot${SCRIPT_TAG} · ${HOSTILE_VARIANT} vs production`)
      // Control characters are shown as escapes, never raw: no ANSI sequence, no U+2028/2029 reaches the page.
      expect(visible).toContain('\\x1b[31mred\\x1b[2J\\u2029')
      expect(visible).toContain('\\u2028')
      const all = await page.evaluate('document.documentElement.textContent')
      expect(all).not.toMatch(/[\u001b\u2028\u2029]/)
      // The hostile values reach the visual diff as text too.
      const diff = page.locator('details.vdiff').first()
      expect(await diff.locator('.jsondiffpatch-property-name').allTextContents()).toContain(SCRIPT_TAG)
      expect(await diff.innerText()).toContain(JSON.stringify(IMG_TAG))

      // Filters still match values that needed escaping.
      await page.selectOption('#f-route', sanitizeText(HOSTILE_ROUTE))
      expect(await shownCount(page)).toBe(1)
      expect(await page.locator('details.rec:not([hidden]) .id').textContent()).toBe(sanitizeText(HOSTILE_ID))
      await page.selectOption('#f-route', 'GET /health')
      expect(await shownIds(page)).toEqual(['en-stream'])
      await page.selectOption('#f-route', '')
      await page.selectOption('#f-culprit', sanitizeText(`stage:${HOSTILE_STAGE}`))
      expect(await shownCount(page)).toBe(1)

      expect(await page.evaluate('typeof globalThis.__pwned')).toBe('undefined')
      await expectClean(opened)
    } finally {
      await opened.close()
    }
  })
})
