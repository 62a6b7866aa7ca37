/**
 * `parallax proxy --listen <host:port> --target <origin> --out <dir>`: a recording reverse proxy for a
 * service in any language. Runs until SIGINT or SIGTERM, then finishes the exchanges in progress (cut
 * after a grace period), writes what is queued and finalizes the segment.
 */
import { Command, InvalidArgumentError } from 'commander'
import {
  createProxyRedaction,
  createRecordingProxy,
  createSegmentWriter,
  type RecorderStats,
  redactionKeyWarning,
} from '../../record/index.ts'
import { ParallaxError } from '../../recording/errors.ts'
import { plural } from '../../report/index.ts'

interface ProxyFlags {
  listen: string
  target: string
  out: string
  service?: string
  environment?: string
  sample?: number
  include?: string[]
  exclude?: string[]
  recordErrors?: boolean
  maxBodyBytes?: number
  gzip?: boolean
  grace: number
}

/** Builds the `proxy` command. */
export function proxyCommand(): Command {
  return new Command('proxy')
    .description('Record a service in any language: a reverse proxy that records every exchange it forwards.')
    .requiredOption('--listen <host:port>', 'where the proxy listens, e.g. 127.0.0.1:8080')
    .requiredOption('--target <origin>', 'the service, e.g. http://127.0.0.1:3000')
    .requiredOption('--out <dir>', 'the folder segments are written to, e.g. recordings/api')
    .option('--service <name>', 'service name in each recording (default: the target host)')
    .option('--environment <name>', 'environment name in each recording', 'production')
    .option('--sample <fraction>', 'fraction of requests recorded, 0 to 1', fraction)
    .option('--include <glob>', "record only matching routes, e.g. '/api/**' (repeatable)", collect)
    .option('--exclude <glob>', "never record matching routes, e.g. '/health' (repeatable)", collect)
    .option('--no-record-errors', 'do not keep unsampled requests that end in a 5xx')
    .option('--max-body-bytes <bytes>', 'bytes kept per body (default 1048576)', wholeNumber('1048576'))
    .option('--gzip', 'write .ndjson.gz segments')
    .option(
      '--grace <ms>',
      'on SIGINT/SIGTERM, wait this long for exchanges in progress',
      wholeNumber('5000'),
      5000,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  parallax proxy --listen 127.0.0.1:8080 --target http://127.0.0.1:3000 --out recordings/api\n  parallax proxy --listen :8080 --target http://api.internal:80 --out rec --sample 0.05 --exclude /health\n\nSecret headers, query parameters, body fields and tokens are redacted before anything is written\n(key: PARALLAX_REDACTION_KEY). Stop with Ctrl-C or SIGTERM; see docs/proxy.md.',
    )
    .action(async (flags: ProxyFlags) => {
      const { host, port } = listenAddress(flags.listen)
      // The writer's status file keeps the proxy's books too, for `parallax inspect`.
      let proxyStats: (() => RecorderStats) | undefined
      const writer = createSegmentWriter({
        dir: flags.out,
        ...(flags.service && { service: flags.service }),
        ...(flags.gzip && { gzip: true }),
        onError: (error) => process.stderr.write(`[parallax] ${error.message}\n`),
        recorderStats: () => proxyStats?.(),
      })
      // Before any traffic: a bad folder found at the first batch would drop every recording, counted.
      await writer.checkFolder({ setting: '--out' })
      const proxy = createRecordingProxy({
        target: flags.target,
        onRecording: (recording) => writer.enqueue(recording),
        onError: (error) =>
          process.stderr.write(
            `[parallax] proxy: ${error instanceof Error ? error.message : String(error)}\n`,
          ),
        environment: flags.environment ?? 'production',
        ...(flags.service && { service: flags.service }),
        ...(flags.sample !== undefined && { sample: flags.sample }),
        ...(flags.include && { include: flags.include }),
        ...(flags.exclude && { exclude: flags.exclude }),
        ...(flags.recordErrors === false && { recordErrors: false }),
        ...(flags.maxBodyBytes !== undefined && { maxBodyBytes: flags.maxBodyBytes }),
        ...(process.env.PARALLAX_REDACTION_KEY && {
          redact: createProxyRedaction({ key: process.env.PARALLAX_REDACTION_KEY }),
        }),
      })
      proxyStats = proxy.stats
      // The proxy's own errors already say why (port in use, the target is the proxy itself) and what to do.
      const address = await proxy.listen(port, host)
      const warning = redactionKeyWarning(process.env)
      if (warning !== undefined) process.stderr.write(warning)
      process.stderr.write(
        `[parallax] proxy listening on ${httpOrigin(address)} → ${flags.target}, recording to ${flags.out}\n`,
      )
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'))
        process.once('SIGTERM', () => resolve('SIGTERM'))
      })
      process.stderr.write(`[parallax] ${signal}: finishing exchanges in progress…\n`)
      const grace = setTimeout(() => void proxy.destroy(), flags.grace)
      await proxy.close()
      clearTimeout(grace)
      await writer.close()
      const { recorded, truncated, dropped, requests } = proxy.stats()
      const written = writer.stats()
      const lost =
        Object.values(dropped).reduce((sum, n) => sum + n, 0) +
        Object.values(written.dropped).reduce((sum, n) => sum + n, 0) -
        dropped.sinkFull
      process.stderr.write(
        `[parallax] ${plural(requests, 'request')} · ${recorded + truncated} recorded (${truncated} with a body cut) · ${written.written} written · ${lost} dropped\n`,
      )
    })
}

/**
 * The URL of a listening address, an IPv6 host in brackets as URLs write it.
 * @example httpOrigin({ address: '::1', port: 8080 }) // 'http://[::1]:8080'
 */
export function httpOrigin(address: { address: string; port: number }): string {
  const host = address.address.includes(':') ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}

function listenAddress(listen: string): { host: string; port: number } {
  const match = /^(?:\[?([^\]]*?)\]?)?:(\d{1,5})$/.exec(listen.trim())
  const port = Number(match?.[2])
  if (!match || port > 65_535) {
    throw new ParallaxError('PARALLAX_USAGE', `Failed to parse --listen ${JSON.stringify(listen)}.`, {
      hint: 'Give host:port or :port, e.g. --listen 127.0.0.1:8080.',
    })
  }
  return { host: match[1] || '127.0.0.1', port }
}

/** Plain decimal notation only: `Number()` would also take `0x1`, `1e3` or `Infinity`. */
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/

function fraction(value: string): number {
  const number = Number(value.trim())
  if (!DECIMAL.test(value.trim()) || number > 1)
    throw new InvalidArgumentError('a fraction from 0 to 1 in decimal, e.g. 0.05')
  return number
}

/** A parser of whole numbers in decimal; `example` shows a good value in the error. */
function wholeNumber(example: string): (value: string) => number {
  return (value) => {
    const number = Number(value.trim())
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number))
      throw new InvalidArgumentError(`a whole number in decimal, e.g. ${example}`)
    return number
  }
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}
