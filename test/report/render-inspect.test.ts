import { describe, expect, it } from 'vitest'
import { summarizeRecordings } from '../../src/recording/summarize-recordings.ts'
import { renderInspect } from '../../src/report/index.ts'
import { greetingRecording } from '../support/recordings.ts'

const OPTIONS = { color: false, width: 100 }

describe('renderInspect', () => {
  it('leaves out the routes heading when nothing loaded', () => {
    const text = renderInspect('recordings/empty', summarizeRecordings([], []), OPTIONS)
    expect(text).toContain('recordings  0')
    expect(text).not.toContain('routes')
  })

  it('lists the routes under their heading, a single file in the singular', () => {
    const loaded = [{ recording: greetingRecording('ada'), file: 'segment.ndjson', line: 2 }]
    const text = renderInspect('recordings/one', summarizeRecordings(loaded, []), OPTIONS)
    expect(text).toContain('parallax inspect · recordings/one · 1 file')
    expect(text).toMatch(/ {2}routes\n +1 {2}POST \/greet/)
  })
})
