/**
 * Replay's network from the recording (msw for node:http/https, undici's MockAgent for the global
 * dispatcher and global fetch, raw sockets refused).
 */
export {
  installReplayNetwork,
  type RecordedNetwork,
  type ReplayNetwork,
  type ReplayNetworkOptions,
  type ServeFromRecordingOptions,
  serveFromRecording,
} from './serve-from-recording.ts'
