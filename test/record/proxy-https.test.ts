/**
 * The recording proxy in front of an https target: the TLS server name is the target's host, whatever
 * Host the client sent (undici would otherwise take SNI from each request's Host and reconnect on change).
 */
import { once } from 'node:events'
import { request } from 'node:http'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { describe, expect, it } from 'vitest'
import { createRecordingProxy } from '../../src/record/proxy/create-recording-proxy.ts'
import type { Recording } from '../../src/recording/types.ts'

/** A self-signed certificate for `localhost`, valid until 2125, made for this test only. */
const CERT = `-----BEGIN CERTIFICATE-----
MIIBlTCCATugAwIBAgIUbjbSPpyrFJErZJrMdPn25cs1a4kwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNDExNDcxOVoYDzIxMjYxMDMx
MTE0NzE5WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT4F3X25AVuCopqCm28fAUayMgmsfhwBu8mnPqQVkmM/gSwLTi1qYU6
p2El5rU8RxVDXD9+QYKxe9sWW5hR0ZW0o2kwZzAdBgNVHQ4EFgQUMlj2jl5qwppq
t7i5JfFM+xyRPJQwHwYDVR0jBBgwFoAUMlj2jl5qwppqt7i5JfFM+xyRPJQwDwYD
VR0TAQH/BAUwAwEB/zAUBgNVHREEDTALgglsb2NhbGhvc3QwCgYIKoZIzj0EAwID
SAAwRQIhAO9MptykNa2zJzrSCbqshfVwFrSQfXp9epPBYLNFbXB+AiBoPkQXZhsj
XU6miVBu2Fhx8spofQVsTQn2fl086iAokA==
-----END CERTIFICATE-----`
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8OgBqxF1bbG8YuVb
4Mj0esGbNrrw3OTyFVVqtac4C7+hRANCAAT4F3X25AVuCopqCm28fAUayMgmsfhw
Bu8mnPqQVkmM/gSwLTi1qYU6p2El5rU8RxVDXD9+QYKxe9sWW5hR0ZW0
-----END PRIVATE KEY-----`

describe('record: the recording proxy in front of https', () => {
  it('createRecordingProxy: checks the target certificate against the target host, not the client Host', async () => {
    const servernames: Array<string | false | null> = []
    const hosts: Array<string | undefined> = []
    const server = createServer({ cert: CERT, key: KEY }, (req, res) => {
      hosts.push(req.headers.host)
      res.end('secure')
    })
    server.on('secureConnection', (socket: TLSSocket) => servernames.push(socket.servername))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const recordings: Recording[] = []
    const proxy = createRecordingProxy({
      target: `https://localhost:${(server.address() as AddressInfo).port}`,
      targetTls: { ca: CERT },
      onRecording: (recording) => recordings.push(recording),
    })
    try {
      const { port } = await proxy.listen(0, '127.0.0.1')
      for (const host of ['api.example', 'other.example']) {
        // node:http, not fetch: fetch drops a Host header.
        const answer = await new Promise<string>((resolve, reject) => {
          request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
            res.setEncoding('utf8')
            let text = ''
            res.on('data', (piece: string) => (text += piece))
            res.on('end', () => resolve(`${res.statusCode} ${text}`))
          })
            .on('error', reject)
            .end()
        })
        expect(answer).toBe('200 secure')
      }
      expect(hosts).toEqual(['api.example', 'other.example'])
      // One connection, its server name the target's: a Host change neither breaks nor reconnects it.
      expect(servernames).toEqual(['localhost'])
      await expect.poll(() => recordings.length).toBe(2)
      expect(recordings[0]!.inbound.request.url).toMatch(/^https:\/\/localhost:\d+\/$/)
    } finally {
      await proxy.destroy()
      server.closeAllConnections()
      server.close()
    }
  })
})
