import { describe, expect, it } from 'vitest'
import { describeParseError } from './parse-errors.ts'

describe('describeParseError', () => {
  it('describeParseError: keeps a suggestion and names the command in the hint', () => {
    expect(describeParseError("error: unknown command 'replya'\n(Did you mean replay?)", 'parallax')).toEqual(
      {
        message: "Failed to parse the command line: unknown command 'replya'. (Did you mean replay?)",
        hint: 'run `parallax --help`.',
      },
    )
  })

  it('describeParseError: joins a refused value and what the parser expected into one sentence', () => {
    const choices = describeParseError(
      "error: option '--isolation <mode>' argument 'x' is invalid. Allowed choices are worker, process.",
      'parallax replay',
    )
    expect(choices.message).toBe(
      "Failed to parse the command line: option '--isolation <mode>' argument 'x' is invalid: allowed choices are worker, process.",
    )
    const argument = describeParseError(
      "error: command-argument value 'x' is invalid for argument 'n'. expected an integer.",
      'parallax fuzz',
    )
    expect(argument.message).toBe(
      "Failed to parse the command line: command-argument value 'x' is invalid for argument 'n': it must be an integer.",
    )
  })
})
