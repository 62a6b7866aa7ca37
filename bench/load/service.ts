/**
 * The contract between a load bench and the service it runs in a child process: a module exporting
 * `createService(options)` that returns a node:http handler, plus optional hooks the child calls at the
 * end of each round (to finish deferred work, e.g. flush a writer, so its CPU is billed to the round)
 * and on shutdown.
 */
import type { RequestListener } from 'node:http'

/** Options are JSON: they travel to the child on its command line. */
export type ServiceOptions = Record<string, string | number | boolean | null>

/** Counters a service reports at the end of a round (e.g. `recorded`, `dropped`), printed by the bench. */
export type ServiceCounters = Record<string, number>

/** A service the child process serves on 127.0.0.1. */
export interface ChildService {
  handler: RequestListener
  /** Called when a round ends, before the child reads its CPU time: finish deferred work, return counters. */
  endRound?(): Promise<ServiceCounters> | ServiceCounters
  /** Called once when the child shuts down. */
  close?(): Promise<void> | void
}

/**
 * What a service module exports.
 * @example export const createService: CreateService = () => ({ handler: (_req, res) => res.end('ok') })
 */
export type CreateService = (options: ServiceOptions) => Promise<ChildService> | ChildService
