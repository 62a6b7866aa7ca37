/**
 * The error the copilot throws for a request it cannot serve as sent: the service answers it with 400.
 */

/**
 * A bad inbound request; matched on `code`, since errors cross isolate boundaries as copies.
 * @example throw new CopilotRequestError('Failed to parse the request: text must be a string.')
 */
export class CopilotRequestError extends Error {
  readonly code = 'COPILOT_BAD_REQUEST'
  override readonly name = 'CopilotRequestError'
}

/**
 * True for a {@link CopilotRequestError} or a copy of one.
 * @example if (isCopilotRequestError(error)) res.statusCode = 400
 */
export function isCopilotRequestError(error: unknown): error is CopilotRequestError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'COPILOT_BAD_REQUEST'
  )
}
