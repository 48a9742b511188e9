import type { FloatHandling } from "../audio";
import { DEFAULT_RECONNECT } from "./reconnect-policy";

/**
 * The one place a transcribe node's stream settings get their defaults, in the units the core runs
 * on. The session and stream fall back to it for an option they are not given, the node for a
 * dialog field left blank or missing from a saved flow, and the editor shows it in a new node's
 * dialog (exported as the node setting sonioxTranscribeDefaults, in the dialog's units).
 */
export const DEFAULT_STREAM_SETTINGS = {
  maxStreams: 10,
  idleTimeoutMs: 60 * 1000,
  // Soniox closes a session after 20 s without audio or keepalive.
  keepaliveIntervalMs: 8 * 1000,
  pacing: true,
  maxQueuedBytes: 16 * 1024 * 1024,
  /** Unconfirmed audio kept per stream for a loss-free reconnect (not a dialog setting). */
  maxReplayBytes: 8 * 1024 * 1024,
  connectTimeoutMs: 10 * 1000,
  finishTimeoutMs: 10 * 1000,
  formatTimeoutMs: 10 * 1000,
  reconnect: DEFAULT_RECONNECT,
  // Soniox caps a session at 300 minutes: rotate well before, at a quiet moment if one comes.
  rotation: { afterMs: 280 * 60 * 1000, graceMs: 10 * 60 * 1000 },
  heartbeatIntervalMs: 10 * 1000,
  /** No answer to a ping for this long means the connection is dead (not a dialog setting). */
  heartbeatTimeoutMs: 10 * 1000,
  convertToPcm: false,
  floatHandling: "send" as FloatHandling,
  passUnknownOptions: false,
  everyResponse: false,
} as const;
