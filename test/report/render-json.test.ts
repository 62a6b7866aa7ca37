import { describe, expect, it } from 'vitest'
import { renderJson, reporterNames, reporters } from '../../src/report/index.ts'
import { fullRun } from './fixtures.ts'

/** The JSON text without its timing fields, which are the only ones allowed to differ between runs. */
function withoutTimings(text: string): string {
  const { timings: _timings, durationMs: _durationMs, ...rest } = JSON.parse(text) as Record<string, unknown>
  return JSON.stringify(rest)
}

describe('renderJson', () => {
  it('renderJson: prints the documented keys in their defined order, ending in a newline', () => {
    const text = renderJson(fullRun())
    expect(text.endsWith('}\n')).toBe(true)
    const result = JSON.parse(text)
    expect(Object.keys(result)).toEqual([
      'format',
      'version',
      'scenario',
      'pipeline',
      'variants',
      'summary',
      'recordings',
      'loadErrors',
      'timings',
      'durationMs',
    ])
    expect(result.format).toBe('parallax-replay-result')
    expect(result.version).toBe(1)
    expect(result.summary).toMatchInlineSnapshot(`
      {
        "agree": 1,
        "culprits": [
          {
            "count": 1,
            "source": "stage",
            "stage": "decode",
          },
          {
            "count": 1,
            "source": "outbound",
            "stage": "retrieve",
          },
          {
            "count": 1,
            "source": "input",
            "stage": "parse",
          },
          {
            "count": 1,
            "source": "stage",
            "stage": "infer",
          },
          {
            "count": 1,
            "source": "stage",
            "stage": "retrieve",
          },
        ],
        "diverge": 5,
        "failed": 1,
        "invalid": 1,
        "noise": [],
        "total": 7,
      }
    `)
    expect(
      result.recordings.map((r: { id: string; status: string }) => `${r.id}:${r.status}`),
    ).toMatchInlineSnapshot(`
      [
        "en-stream:agree",
        "fr-abort:diverge",
        "fr-region:diverge",
        "en-locale:diverge",
        "fr-throw:diverge",
        "fr-scores:diverge",
        "fr-unrecorded:failed",
      ]
    `)
    expect(Object.keys(result.recordings[0])).toEqual([
      'id',
      'source',
      'route',
      'status',
      'replayKey',
      'divergence',
      'stages',
      'failure',
      'runs',
    ])
  })

  it('renderJson: uses named operations for changed paths and keeps a failed replay without its stack', () => {
    const result = JSON.parse(renderJson(fullRun()))
    const culprit = result.recordings.find((r: { id: string }) => r.id === 'fr-abort')
    expect(culprit.divergence.paths[0]).toMatchInlineSnapshot(`
      {
        "after": "Pour annuler une requ��te en cours, appelez controller.abort() avant la fin du flux.",
        "before": "Pour annuler une requête en cours, appelez controller.abort() avant la fin du flux.",
        "op": "replace",
        "path": "$.documents[1].text",
      }
    `)
    const failed = result.recordings.find((r: { id: string }) => r.id === 'fr-unrecorded')
    expect(failed.failure).toMatchInlineSnapshot(`
      {
        "error": {
          "cause": null,
          "code": "PARALLAX_OUTBOUND_UNMATCHED",
          "details": null,
          "hint": "Record this request again, or allow the host in the variant.",
          "message": "Failed to replay GET https://search.eu.internal/v1?q=annuler: the recording holds no such request; the closest recorded one is GET https://search.internal/v1?q=annuler.",
          "name": "ParallaxError",
        },
        "variant": "production",
      }
    `)
    expect(result.loadErrors).toMatchInlineSnapshot(`
      [
        {
          "cause": null,
          "code": "PARALLAX_RECORDING_INVALID",
          "details": {
            "file": "recordings/copilot.ndjson",
            "line": 9,
          },
          "hint": "Fix or delete the line; the other lines still load.",
          "message": "Failed to load recording recordings/copilot.ndjson:9: Unexpected token } in JSON at position 41.",
          "name": "ParallaxError",
        },
      ]
    `)
  })

  it('renderJson: is byte-identical for two runs that differ only in timings once those are removed', () => {
    const first = renderJson(fullRun(1))
    const second = renderJson(fullRun(3.7))
    expect(first).not.toBe(second)
    expect(withoutTimings(first)).toBe(withoutTimings(second))
    expect(JSON.parse(second).timings.recordings[0]).toMatchInlineSnapshot(`
      {
        "id": "en-stream",
        "variants": [
          {
            "stages": [
              {
                "ms": 1.4800000000000002,
                "name": "parse",
              },
              {
                "ms": 4.44,
                "name": "retrieve",
              },
              {
                "ms": 1.11,
                "name": "decode",
              },
              {
                "ms": 9.25,
                "name": "infer",
              },
              {
                "ms": 0.7400000000000001,
                "name": "render",
              },
            ],
            "totalMs": 17.02,
            "variant": "local",
          },
          {
            "stages": [
              {
                "ms": 1.85,
                "name": "parse",
              },
              {
                "ms": 4.07,
                "name": "retrieve",
              },
              {
                "ms": 1.4800000000000002,
                "name": "decode",
              },
              {
                "ms": 9.990000000000002,
                "name": "infer",
              },
              {
                "ms": 0.7400000000000001,
                "name": "render",
              },
            ],
            "totalMs": 18.13,
            "variant": "production",
          },
        ],
      }
    `)
  })
})

describe('reporters', () => {
  it('reporters: registers every format, each rendering a run', () => {
    expect(reporterNames).toEqual(['terminal', 'json', 'html', 'junit', 'markdown'])
    const run = fullRun()
    expect(reporters.json({ color: false, width: 80, verbose: false }).render(run)).toBe(renderJson(run))
    expect(reporters.terminal({ color: false, width: 80, verbose: false }).render(run)).toContain(
      'Summary: 7 recordings',
    )
  })
})
