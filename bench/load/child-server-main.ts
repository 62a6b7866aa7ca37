/**
 * The child process of {@link startChildServer}: serves a service module on 127.0.0.1 and answers the
 * parent's round commands over IPC with its own CPU time, accepted connections and served requests.
 *
 * argv: `<module URL> <options JSON>`. Run with `--expose-gc` so each round starts after a collection.
 */
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ChildCommand, ChildReply } from './child-server.ts'
import type { CreateService } from './service.ts'

const [moduleUrl, optionsJson] = process.argv.slice(2)
if (moduleUrl === undefined || optionsJson === undefined || process.send === undefined) {
  process.stderr.write(
    '[parallax] bench/load/child-server-main.ts is started by startChildServer, with IPC.\n',
  )
  process.exit(2)
}
const send = (reply: ChildReply) => process.send!(reply)
const { createService } = (await import(moduleUrl)) as { createService: CreateService }
const service = await createService(JSON.parse(optionsJson))

let connections = 0
let requests = 0
let cpuStart = process.cpuUsage()
const server = createServer(service.handler)
server.on('connection', () => connections++)
server.on('request', () => requests++)
server.listen(0, '127.0.0.1')
await once(server, 'listening')
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {})

process.on('message', (command: ChildCommand) => {
  void answer(command).catch((error: unknown) => {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  })
})
// The parent went away (crashed or was killed): don't linger.
process.on('disconnect', () => void shutdown())
send({ type: 'ready', port: (server.address() as AddressInfo).port, pid: process.pid })

async function answer(command: ChildCommand): Promise<void> {
  if (command.type === 'begin') {
    // The previous round's garbage is collected outside the new round.
    collect()
    connections = 0
    requests = 0
    cpuStart = process.cpuUsage()
    send({ type: 'begun' })
  } else if (command.type === 'end') {
    const counters = (await service.endRound?.()) ?? {}
    const cpu = process.cpuUsage(cpuStart)
    send({ type: 'ended', round: { cpuUs: cpu.user + cpu.system, connections, requests, counters } })
  } else if (command.type === 'close') {
    await shutdown()
  }
}

let closing: Promise<void> | undefined
function shutdown(): Promise<void> {
  closing ??= (async () => {
    const closed = once(server, 'close')
    server.close()
    server.closeAllConnections()
    await closed
    await service.close?.()
    // Leave through a normal exit so that --cpu-prof writes its profile.
    if (process.connected) process.disconnect()
  })()
  return closing
}
