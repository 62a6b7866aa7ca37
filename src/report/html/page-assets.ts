/**
 * The fixed parts of the HTML report: its stylesheet, its one inline script (the filters, the copy
 * buttons, the "show unchanged" toggles) and the Content-Security-Policy that allows exactly that script,
 * by hash, and nothing from anywhere: no network, no other script, even if recorded data were to slip
 * through escaping. The script reads recordings only from `data-*` attributes, never from inline JS.
 */
import { createHash } from 'node:crypto'

/**
 * The page script. Plain browser JavaScript; it must never contain the text `</script`.
 * @example `<script>${PAGE_SCRIPT}</script>`
 */
export const PAGE_SCRIPT = `(() => {
  'use strict'
  const byId = (id) => document.getElementById(id)
  const records = Array.from(document.querySelectorAll('details.rec'))
  const ids = records.map((el) => (el.dataset.id || '').toLowerCase())
  const status = byId('f-status')
  const culprit = byId('f-culprit')
  const route = byId('f-route')
  const search = byId('f-search')
  const shown = byId('shown')
  const empty = byId('empty')
  const apply = () => {
    const s = status.value
    const c = culprit.value
    const r = route.value
    const q = search.value.trim().toLowerCase()
    let count = 0
    records.forEach((el, index) => {
      const d = el.dataset
      const show = (!s || d.status === s) && (!c || d.culprit === c) && (!r || d.route === r) && (!q || ids[index].includes(q))
      el.hidden = !show
      if (show) count++
    })
    shown.textContent = String(count)
    empty.hidden = count > 0
  }
  const copy = (button) => {
    const code = button.previousElementSibling
    if (!code) return
    const select = () => {
      const range = document.createRange()
      range.selectNodeContents(code)
      const selection = window.getSelection()
      if (selection) {
        selection.removeAllRanges()
        selection.addRange(range)
      }
      button.textContent = 'selected: press Ctrl+C'
    }
    const done = () => {
      button.textContent = 'copied'
      setTimeout(() => { button.textContent = 'copy' }, 1500)
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(code.textContent || '').then(done, select)
    else select()
  }
  for (const control of [status, culprit, route]) control.addEventListener('change', apply)
  search.addEventListener('input', apply)
  byId('f-reset').addEventListener('click', () => {
    status.value = ''
    culprit.value = ''
    route.value = ''
    search.value = ''
    apply()
  })
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null
    if (!button) return
    const d = button.dataset
    if (d.filterStatus !== undefined) {
      status.value = d.filterStatus
      apply()
    } else if (d.filterCulprit !== undefined) {
      status.value = ''
      culprit.value = d.filterCulprit
      apply()
      byId('recordings').scrollIntoView({ block: 'start' })
    } else if (d.copy !== undefined) {
      copy(button)
    }
  })
  document.addEventListener('change', (event) => {
    const input = event.target
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute('data-show-unchanged')) return
    const body = input.closest('.vdiff') && input.closest('.vdiff').querySelector('.vdiff-body')
    if (body) body.classList.toggle('jsondiffpatch-unchanged-hidden', !input.checked)
  })
  apply()
})()`

/**
 * The page's Content-Security-Policy: nothing may load, only {@link PAGE_SCRIPT} may run, styles are inline.
 * @example `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src 'sha256-${createHash('sha256').update(PAGE_SCRIPT).digest('base64')}'`,
  "style-src 'unsafe-inline'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

/**
 * The report's own stylesheet (light theme, system fonts); it follows jsondiffpatch's so it can adjust it.
 * @example `<style>${visualDiffCss()}${PAGE_CSS}</style>`
 */
export const PAGE_CSS = `
:root{color-scheme:light;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa;--card:#fff;--red:#cf222e;--red-bg:#ffebe9;--amber:#9a6700;--amber-bg:#fff8c5;--green:#1a7f37;--green-bg:#dafbe1;--magenta:#8250df;--magenta-bg:#fbefff;--blue:#0550ae;--mono:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
code,pre,.id,.timeline tbody th,.timeline td,.changes>span{font-family:var(--mono);font-size:12.5px}
header,nav.filters,main,section.box,footer{max-width:1280px;margin-left:auto;margin-right:auto}
header{padding:16px 16px 4px}
h1{font-size:20px;margin:0 0 2px;font-weight:600}
h1 .scenario{color:var(--blue)}
h2{font-size:13px;margin:0 0 6px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.meta{color:var(--muted);margin:0 0 10px}
.meta b{color:var(--fg);font-weight:600}
.counts{display:flex;gap:6px;flex-wrap:wrap;margin:0 0 8px}
.chip{border:1px solid var(--line);border-radius:999px;padding:2px 10px;background:var(--card);font:inherit;color:inherit;cursor:pointer;text-decoration:none}
.chip.agree{color:var(--green);border-color:#a6dcb5}.chip.diverge{color:var(--red);border-color:#f5b3ad}.chip.failed,.chip.invalid{color:var(--amber);border-color:#e6cf7f}
.chip.zero{color:var(--muted);border-color:var(--line)}
.chip:not(.zero){font-weight:600}
section.box{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin-bottom:10px;width:calc(100% - 32px);max-width:1248px}
section.box ul{list-style:none;margin:0;padding:0}
.culprits li{display:flex;gap:8px;align-items:center;margin:2px 0}
.culprits button{font:inherit;background:none;border:0;padding:0;color:var(--red);font-weight:600;cursor:pointer;text-decoration:underline dotted;font-family:var(--mono)}
.culprits button.external{color:var(--magenta)}
.culprits .count{color:var(--muted);min-width:3em}
.hbar{display:inline-block;height:10px;background:var(--red);border-radius:2px}
.hbar.external{background:var(--magenta)}
.load-errors li,.noise li{margin:2px 0}
.load-errors .where,.noise .rule{font-family:var(--mono);font-size:12.5px}
nav.filters{position:sticky;top:0;z-index:2;background:var(--bg);padding:8px 16px;display:flex;gap:12px;align-items:center;flex-wrap:wrap;border-bottom:1px solid var(--line)}
nav.filters label{color:var(--muted);display:flex;gap:4px;align-items:center}
select,input[type=search],button.plain{font:inherit;font-size:13px;padding:2px 6px;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--fg);max-width:22em}
.shown{margin-left:auto;color:var(--muted)}
.shown b{color:var(--fg)}
main{padding:8px 16px 32px}
#empty{color:var(--muted);padding:16px;text-align:center}
details.rec{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--line);border-radius:6px;margin:6px 0}
details.rec[hidden]{display:none}
.large details.rec{content-visibility:auto;contain-intrinsic-size:auto 36px}
details.rec.s-diverge{border-left-color:var(--red)}
details.rec.s-failed{border-left-color:#d4a72c}
details.rec.s-agree{border-left-color:#4ac26b}
details.rec>summary{cursor:pointer;padding:6px 10px;display:flex;gap:12px;align-items:baseline;flex-wrap:wrap;list-style:none}
details.rec>summary::-webkit-details-marker{display:none}
details.rec>summary::before{content:"▸";color:var(--muted);width:1em}
details.rec[open]>summary::before{content:"▾"}
.badge{font-weight:600;white-space:nowrap;min-width:5.5em}
.badge.agree{color:var(--green)}.badge.diverge{color:var(--red)}.badge.failed{color:var(--amber)}
.id{font-weight:600;overflow-wrap:anywhere}
.route{color:var(--muted);overflow-wrap:anywhere}
.where{color:var(--muted)}
.s-diverge .where{color:var(--fg)}
.culprit-name{color:var(--red)}.external-name{color:var(--magenta)}
.rec-body{padding:0 12px 10px 30px}
.source{color:var(--muted);margin:0 0 4px;font-size:12px;font-family:var(--mono)}
table{border-collapse:collapse}
.timeline{margin:2px 0 8px}
.timeline th,.timeline td{padding:2px 10px 2px 6px;text-align:left;font-weight:normal;white-space:nowrap}
.timeline thead th{color:var(--muted);font-size:12px;font-weight:600;font-family:inherit}
.timeline tfoot th,.timeline tfoot td{color:var(--muted);border-top:1px solid var(--line)}
.timeline td>b{display:inline-block;width:150px;height:10px;background:#eaeef2;border-radius:2px;vertical-align:middle;margin-right:6px;overflow:hidden}
.timeline td>b>i{display:block;height:100%;background:#8c959f;border-radius:2px}
.timeline td.threw{color:var(--red)}.timeline td.threw>b>i{background:var(--red)}
.not-run{color:var(--muted)}
.timeline .probe th{color:var(--muted)}
tr.v-culprit.is-primary{background:var(--red-bg)}
tr.v-culprit.is-primary>th{color:var(--red);font-weight:700;box-shadow:inset 3px 0 var(--red)}
tr.v-culprit.is-primary i{background:var(--red)}
tr.v-propagated{background:var(--amber-bg)}
tr.v-propagated i{background:#d4a72c}
tr.is-external,tr.v-entry{background:var(--magenta-bg)}
tr.is-external>th,tr.v-entry>th{color:var(--magenta);font-weight:700;box-shadow:inset 3px 0 var(--magenta)}
tr.is-external i,tr.v-entry i{background:var(--magenta)}
tr.v-missing>th{color:var(--magenta)}
.tag{font-size:12px;font-weight:600;font-family:system-ui,sans-serif}
.tag.culprit,.tag.culprit-again{color:var(--red)}.tag.culprit-again{font-weight:normal}
.tag.propagated{color:var(--amber)}.tag.external{color:var(--magenta)}
.detail{color:var(--magenta);margin:4px 0}
.caption{color:var(--muted);margin:6px 0 2px}
.changes{display:grid;grid-template-columns:fit-content(40%) 1fr auto 1fr;gap:2px 4px;align-items:start}
.changes>span{padding:1px 6px;overflow-wrap:anywhere;border-radius:3px}
.changes .path{color:var(--blue)}
.changes .before{background:var(--red-bg)}.changes .after{background:var(--green-bg)}
.changes>span:empty{background:none}
.changes .op{color:var(--muted);white-space:nowrap;font-family:system-ui,sans-serif}
details.more>summary,details.input>summary{cursor:pointer;color:var(--muted);font-size:12px}
details.vdiff{margin:8px 0;border:1px solid var(--line);border-radius:4px;padding:4px 8px}
details.vdiff>summary{cursor:pointer;font-weight:600}
del{background:var(--red-bg);text-decoration:line-through}
ins{background:var(--green-bg);text-decoration:none}
.vdiff-body{overflow:auto;max-height:480px;padding:4px 0}
.vdiff pre{white-space:pre-wrap;overflow-wrap:anywhere}
.vdiff .jsondiffpatch-delta{display:block}
.px-elided{color:var(--muted);font-style:italic;font-family:system-ui,sans-serif}
.toggle{font-size:12px;color:var(--muted);display:block}
.note{color:var(--muted);font-size:12px;margin:4px 0}
.error{background:var(--amber-bg);border-radius:4px;padding:6px 10px;margin:4px 0 8px}
.error p{margin:0;overflow-wrap:anywhere}
.hint,.dim{color:var(--muted)}
.replay{display:flex;gap:8px;align-items:center;margin-top:8px}
.replay .label{color:var(--muted);font-size:12px}
.replay code{background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:2px 6px;overflow-wrap:anywhere}
.copy{font:inherit;font-size:12px;padding:1px 8px;border:1px solid var(--line);border-radius:4px;background:var(--card);cursor:pointer}
footer{padding:0 16px 24px;color:var(--muted);font-size:12px}
`
