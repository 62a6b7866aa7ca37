import { describe, expect, it } from 'vitest'
import { renderTerminal } from '../../src/report/index.ts'
import type { RecordingOutcome } from '../../src/report/types.ts'
import { fullRun, outcomes, replayRun } from './fixtures.ts'

const PLAIN = { color: false, width: 120, verbose: false }

/** Every line but the replay commands, which are never cut. */
function cutLines(text: string): string[] {
  return text.split('\n').filter(
    (line) =>
      !line
        .replace(/\x1b\[[0-9;]*m/g, '')
        .trimStart()
        .startsWith('replay: '),
  )
}

describe('renderTerminal', () => {
  it('renderTerminal: highlights the culprit stage, marks propagated ones and lists changed paths', () => {
    const { agree, culprit } = outcomes()
    expect(renderTerminal(replayRun([agree!, culprit!]), PLAIN)).toMatchInlineSnapshot(`
      "parallax replay · scenario copilot · pipeline copilot · local vs production · 2 recordings

        ✓ en-stream  POST /suggest  agree (5 stages)
        ✗ fr-abort   POST /suggest  diverges at decode
            stage     local       production
            parse     ✓ 0.4 ms    ✓ 0.5 ms
            retrieve  ✓ 1.2 ms    ✓ 1.1 ms
            decode    ✓ 0.3 ms    ✓ 0.4 ms    ◀ culprit: input equal, output differs
            infer     ✓ 2.5 ms    ✓ 2.7 ms    propagated
            render    ✓ 0.2 ms    ✓ 0.2 ms    propagated
            7 changed paths in the output of decode, local → production:
            $.documents[1].text  "Pour annuler une requête en cours, appelez …"  →  "Pour annuler une requ\\ufffd\\ufffdte en c…
                                 diff Pour annuler une requ[-ê-]{+\\ufffd\\ufffd+}te en cours, appelez con…
            $.documents[2]       added {"id":"x0","text":"Pour annuler une requ\\ufffd\\ufffdt…(object with 2 keys)
            $.documents[3]       added {"id":"x1","text":"Pour annuler une requ\\ufffd\\ufffdt…(object with 2 keys)
            $.documents[4]       added {"id":"x2","text":"Pour annuler une requ\\ufffd\\ufffdt…(object with 2 keys)
            $.documents[5]       added {"id":"x3","text":"Pour annuler une requ\\ufffd\\ufffdt…(object with 2 keys)
            +2 more (--verbose)
            replay: parallax replay scenarios/copilot.ts --recording fr-abort --variants local,production --seed 1

      Culprits:
        decode  ×1  ████████████████████
      Summary: 2 recordings · 1 agree · 1 diverge · 0 failed · 0 invalid lines   (2.1 s)
      "
    `)
  })

  it('renderTerminal: draws external entries, missing stages, probes, failed replays and load errors distinctly', () => {
    expect(renderTerminal(fullRun(), PLAIN)).toMatchInlineSnapshot(`
      "parallax replay · scenario copilot · pipeline copilot · local vs production · 7 recordings

        ✓ en-stream      POST /suggest  agree (5 stages)
        ✗ fr-abort       POST /suggest  diverges at decode
            stage     local       production
            parse     ✓ 0.4 ms    ✓ 0.5 ms
            retrieve  ✓ 1.2 ms    ✓ 1.1 ms
            decode    ✓ 0.3 ms    ✓ 0.4 ms    ◀ culprit: input equal, output differs
            infer     ✓ 2.5 ms    ✓ 2.7 ms    propagated
            render    ✓ 0.2 ms    ✓ 0.2 ms    propagated
            7 changed paths in the output of decode, local → production:
            $.documents[1].text  "Pour annuler une requête en cours, appelez …"  →  "Pour annuler une requ\\ufffd\\ufffdte en c…
                                 diff Pour annuler une requ[-ê-]{+\\ufffd\\ufffd+}te en cours, appelez con…
            $.documents[2]       added {"id":"x0","text":"Pour annuler une requ\\ufffd\\ufffdt…(object with 2 keys)
            $.documents[3]       added {"id":"x1","text":"Pour annuler une requ\\ufffd\\ufffdt…(object with 2 keys)
            $.documents[4]       added {"id":"x2","text":"Pour annuler une requ\\ufffd\\ufffdt…(object with 2 keys)
            $.documents[5]       added {"id":"x3","text":"Pour annuler une requ\\ufffd\\ufffdt…(object with 2 keys)
            +2 more (--verbose)
            replay: parallax replay scenarios/copilot.ts --recording fr-abort --variants local,production --seed 1
        ✗ fr-region      POST /suggest  diverges outside the pipeline (outbound requests of retrieve)
            stage     local       production
            parse     ✓ 0.4 ms    ✓ 0.5 ms
            retrieve  ✓ 1.2 ms    ✓ 1.1 ms    ◀ external: outbound requests differ
            decode    ✓ 0.3 ms    ✓ 0.4 ms    propagated
            infer     ✓ 2.5 ms    ✓ 2.7 ms
            render    ✓ 0.2 ms    ✓ 0.2 ms
            ! Stage retrieve sent different outbound requests for the same input: call 1 is GET
              https://search.internal/v1?q=annuler (recorded #0) under local, GET https://search.eu.internal/v1?q=annuler
              (unmatched) under production.
            1 changed path in the output of retrieve, local → production:
            $.chunks  3  →  2
                      Δ -1 (-33.3%)
            replay: parallax replay scenarios/copilot.ts --recording fr-region --variants local,production --seed 1
        ✗ en-locale      POST /suggest  diverges outside the pipeline (input of parse)
            stage     local       production
            parse     ✓ 0.4 ms    ✓ 0.5 ms    ◀ external: input differs, no stage before it does
            retrieve  ✓ 1.2 ms    ✓ 1.1 ms
            decode    ✓ 0.3 ms    ✓ 0.4 ms
            infer     ✓ 2.5 ms    ✓ 2.7 ms
            render    ✓ 0.2 ms    ✓ 0.2 ms
            ! Stage parse received a different input under local and production while no stage before it differs: the
              difference comes from outside the pipeline (configuration, environment, or the request as each variant sees it).
            1 changed path in the input of parse, local → production:
            $.lang  "fr"  →  "en"
            replay: parallax replay scenarios/copilot.ts --recording en-locale --variants local,production --seed 1
        ✗ fr-throw       POST /suggest  diverges at infer
            stage     local           production
            parse     ✓ 0.4 ms        ✓ 0.5 ms
            retrieve  ✓ 1.2 ms        ✓ 1.1 ms
            decode    ✓ 0.3 ms        ✓ 0.4 ms
            infer     ✓ 2.5 ms        ✗ threw 2.7 ms  ◀ culprit: input equal, output differs
            render    ✓ 0.2 ms        · not run       ! ran under local only
            1 changed path in the output of infer, local → production:
            $  {"ranked":["d1","d0"]}  →  {"error":{"message":"ranked is not iterable","name":…(object with 1 key)
            replay: parallax replay scenarios/copilot.ts --recording fr-throw --variants local,production --seed 1
        ✗ fr-scores      POST /suggest  diverges at retrieve (first at probe scores)
            stage                local       production
            parse                ✓ 0.4 ms    ✓ 0.5 ms
            retrieve             ✓ 1.2 ms    ✓ 1.1 ms    ◀ culprit: input equal, probe differs
              ↳ retrieve:scores                          ◀ probe differs
            decode               ✓ 0.3 ms    ✓ 0.4 ms
            infer                ✓ 2.5 ms    ✓ 2.7 ms
            render               ✓ 0.2 ms    ✓ 0.2 ms
            1 changed path in the probe retrieve:scores, local → production:
            $[1]  0.42  →  0.4
                  Δ -0.02 (-4.76%)
            replay: parallax replay scenarios/copilot.ts --recording fr-scores --variants local,production --seed 1
        ! fr-unrecorded  POST /suggest  replay failed under production
            PARALLAX_OUTBOUND_UNMATCHED: Failed to replay GET https://search.eu.internal/v1?q=annuler: the recording holds no
            such request; the closest recorded one is GET https://search.internal/v1?q=annuler.
            hint: Record this request again, or allow the host in the variant.
            stage     local           production
            parse     ✓ 0.4 ms        ✓ 0.5 ms
            retrieve  ✓ 1.2 ms        ✗ threw 1.1 ms
            decode    ✓ 0.3 ms        · not run
            infer     ✓ 2.5 ms        · not run
            render    ✓ 0.2 ms        · not run
            replay: parallax replay scenarios/copilot.ts --recording fr-unrecorded --variants local,production --seed 1

      Invalid recording lines (1), skipped:
        ! recordings/copilot.ndjson:9  Failed to load recording recordings/copilot.ndjson:9: Unexpected token } in JSON at
        position 41.
          hint: Fix or delete the line; the other lines still load.

      Culprits:
        decode                         ×1  ████████████████████
        retrieve (external: outbound)  ×1  ████████████████████
        parse (external: input)        ×1  ████████████████████
        infer                          ×1  ████████████████████
        retrieve                       ×1  ████████████████████
      Summary: 7 recordings · 1 agree · 5 diverge · 1 failed · 1 invalid line   (2.1 s)
      "
    `)
  })

  it('renderTerminal: shows every changed path when verbose', () => {
    const run = replayRun([outcomes().culprit!])
    const terse = renderTerminal(run, PLAIN)
    const verbose = renderTerminal(run, { ...PLAIN, verbose: true })
    expect(terse).toContain('+2 more (--verbose)')
    expect(verbose).not.toContain('more (--verbose)')
    expect(verbose).toContain('$.documents[7]')
    expect(terse).not.toContain('$.documents[7]')
  })

  it('renderTerminal: uses ANSI colours only when asked', () => {
    const run = fullRun()
    expect(renderTerminal(run, { ...PLAIN, color: true })).toContain('\x1b[')
    expect(renderTerminal(run, PLAIN)).not.toContain('\x1b')
  })

  it('renderTerminal: gives the same text with colours stripped as without colours', () => {
    const run = fullRun()
    const colored = renderTerminal(run, { ...PLAIN, color: true })
    expect(colored.replace(/\x1b\[[0-9;]*m/g, '')).toBe(renderTerminal(run, PLAIN))
  })

  it('renderTerminal: cuts long lines to the width with an ellipsis but never cuts a replay command', () => {
    const text = renderTerminal(fullRun(), { ...PLAIN, width: 60 })
    for (const line of cutLines(text)) expect(Array.from(line).length).toBeLessThanOrEqual(60)
    expect(text).toContain('      infer     ✓ 2.5 ms        ✗ threw 2.7 ms  ◀ culprit: …')
    expect(text).toContain(
      '      replay: parallax replay scenarios/copilot.ts --recording fr-abort --variants local,production --seed 1',
    )
  })

  it('renderTerminal: cuts coloured lines without breaking escape sequences', () => {
    const text = renderTerminal(fullRun(), { ...PLAIN, color: true, width: 50 })
    for (const line of cutLines(text)) {
      expect(Array.from(line.replace(/\x1b\[[0-9;]*m/g, '')).length).toBeLessThanOrEqual(50)
      expect(line).not.toMatch(/\x1b(?!\[[0-9;]*m)/)
    }
  })

  it('renderTerminal: neutralizes control sequences, carriage returns, BEL and bidi overrides from recordings', () => {
    const base = outcomes().culprit!
    const hostile: RecordingOutcome = {
      ...base,
      recordingId: 'evil\x1b[2J\x1b]8;;https://x.example\x07link',
      route: 'GET /a\rPOST /fake\u202eexe.txt',
      replayKey: 'parallax replay s.ts --recording evil\x1b[2J',
      result:
        base.result.kind === 'compared'
          ? {
              ...base.result,
              comparison: {
                ...base.result.comparison,
                divergence: {
                  kind: 'stage',
                  culprit: 'decode\x07',
                  propagatedTo: [],
                  paths: [
                    { op: 'replace', path: '$["\x1b[31m"]', before: 'ok\x07', after: 'a\rb\u202ec\x9b' },
                  ],
                },
              },
            }
          : base.result,
    }
    const failed = outcomes().failed!
    const hostileFailure: RecordingOutcome = {
      ...failed,
      result: {
        kind: 'failed',
        variant: 'prod\x1b[1A',
        error: { name: 'Error', message: 'boom\x1b[2K\rdone', hint: 'see\x1b]8;;http://x\x07here' },
        runs: [],
      },
    }
    const text = renderTerminal(
      replayRun(
        [hostile, hostileFailure],
        [
          {
            name: 'ParallaxError',
            message: 'bad line \x1b[2J\u2066',
            details: { file: 'r\x1b.ndjson', line: 3 },
          },
        ],
      ),
      PLAIN,
    )
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/)
    expect(text).toContain('evil\\x1b[2J\\x1b]8;;https://x.example\\x07link')
    expect(text).toContain('GET /a\\rPOST /fake\\u202eexe.txt')
    expect(text).toContain('$["\\x1b[31m"]  "ok\\x07"  →  "a\\rb\\u202ec\\x9b"')
    expect(text).toContain('boom\\x1b[2K\\rdone')
    expect(text).toContain('r\\x1b.ndjson:3')
  })
})

describe('renderTerminal: large runs', () => {
  it('groups the divergences of a run of many recordings: one block per group, not one per recording', () => {
    const { agree, culprit, outbound } = outcomes()
    const recordings = Array.from({ length: 60 }, (_, i) => {
      const template = [agree!, culprit!, culprit!, outbound!][i % 4]!
      return { ...template, recordingId: `rec-${i}` }
    })
    const text = renderTerminal(replayRun(recordings), PLAIN)
    expect(text).toContain('60 recordings in 2 groups of divergences and failures, 15 agree')
    expect(text).toMatch(/✗ ×30 {2}diverges at decode/)
    expect(text).toMatch(/✗ ×15 {2}diverges at retrieve \(external: outbound requests\)/)
    expect(text).toContain('paths $.documents[*], $.documents[*].text')
    expect(text).not.toContain('rec-59')
    expect(renderTerminal(replayRun(recordings), { ...PLAIN, verbose: true })).toContain('rec-59')
  })
})
