/**
 * How wide the terminal report is drawn: `COLUMNS` when set (CI logs, `COLUMNS=200 parallax … | less`),
 * else the terminal's own width, else 100 for piped output. The report never cuts what must stay whole
 * (replay commands, hints, noise-rule counts) at any width.
 */

/** Width for piped output with no `COLUMNS`: the table rows are laid out for it. */
const PIPED_WIDTH = 100

/**
 * The width to draw the report for `stream`.
 * @example terminalWidth(process.stdout) // 100 when piped, the window's width on a terminal
 */
export function terminalWidth(
  stream: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv = process.env,
): number {
  const columns = Number(env['COLUMNS'])
  if (Number.isSafeInteger(columns) && columns > 0) return columns
  return (stream.isTTY && stream.columns) || PIPED_WIDTH
}
