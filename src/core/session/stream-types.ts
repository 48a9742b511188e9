import type { AudioMeter, MeterContext } from "../audio";
import type { Clock } from "../clock";
import type { SonioxError, MessageKey } from "../errors";
import type { SonioxResult } from "./protocol";
import type { ReconnectPolicy } from "./reconnect-policy";
import type { SessionState } from "./session-state";
import type { SessionClose, SessionOptions } from "./session-types";
import type { StartMessage } from "./start-message";
import type { AuthMethod, TransportFactory } from "./transport";

// The reconnecting stream's options, events and messages: its own file so results.ts and the
// stream's parts can name them without importing the stream.

export interface TextPair {
  final_text: string;
  non_final_text: string;
}

/** What one response means for a flow, beside its raw tokens. */
export interface ResultSummary extends TextPair {
  endpoint: boolean;
  finalized: boolean;
  finished: boolean;
  /** Present only when the response carried translated tokens. */
  translation?: TextPair;
}

export interface RotationPolicy {
  /** Start a fresh session once a session is this old (wall clock, pauses included; Soniox caps a session at 300 min); 0 = never. */
  afterMs: number;
  /** Wait this long past `afterMs` for a quiet moment (an endpoint or finalize) before forcing it. */
  graceMs: number;
}

export interface StreamOptions {
  key: string;
  url: string;
  apiKey: string;
  authMethod: AuthMethod;
  start: StartMessage;
  transport: TransportFactory;
  clock: Clock;
  keepaliveIntervalMs: number;
  connectTimeoutMs: number;
  finishTimeoutMs: number;
  pacing: boolean;
  /** How far audio that fell behind real time may catch up (default 2000 ms; see SendQueueOptions.catchUpMs). */
  paceCatchUpMs?: number;
  maxQueuedBytes: number;
  /** End the stream gracefully after this long without audio; 0 = never. */
  idleTimeoutMs: number;
  reconnect?: ReconnectPolicy;
  rotation?: RotationPolicy;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  /** Bound on audio kept until Soniox finalizes it (for replay after a reconnect); default 8 MiB. */
  maxReplayBytes?: number;
  /** Let the meter use ffmpeg to measure compressed audio when installed (default true). */
  ffmpeg?: boolean;
  /** Picks how audio time is measured once the first bytes are seen. */
  meterFor?: (start: StartMessage, head: Uint8Array, ctx: MeterContext) => AudioMeter;
}

export interface StreamResponse extends ResultSummary {
  tokens: SonioxResult["tokens"];
  final_audio_proc_ms?: number;
  total_audio_proc_ms?: number;
  /** The Soniox session (1-based) that produced this response; a retiring one keeps its number. */
  session: number;
}

/** Marks the start of a replacement Soniox session: timestamps continue, speaker labels restart. */
export interface StreamRestart {
  session: number;
  reason: "reconnect" | "rotation";
  /** Where the new session's audio starts on the stream's timeline. */
  offset_ms: number;
  /** Audio between what Soniox had finalized and where the new session starts that no session will hear (0 when none). */
  skipped_ms: number;
  /** Why the previous session ended (reconnects, and rotations forced by Soniox's length limit). */
  error?: { code: SonioxError["code"]; message: string };
}

export type StreamState = SessionState | "reconnecting";

export interface StreamEvents {
  response: [response: StreamResponse];
  restart: [restart: StreamRestart];
  state: [state: StreamState];
  warning: [message: string, i18n?: MessageKey];
  /** The stream is over; `error` is set when it ended in failure. */
  closed: [info: SessionClose];
}

/** What a stream went through, as a flow reads it on the stream's last message (msg.soniox.stats). */
export interface StreamSummary {
  /** Soniox sessions the stream used (more than 1 after reconnects or rotations). */
  sessions: number;
  repeated_finals_dropped: number;
  replay_bytes_dropped: number;
  skipped_ms: number;
  /** Damaged stretches of container audio the clock found its way past, and their bytes. */
  damaged_stretches: number;
  damaged_bytes: number;
}

export interface StreamStats {
  /** Final tokens a replacement session produced again and that were not delivered twice. */
  repeatedFinalsDropped: number;
  /** Unconfirmed audio the replay bound pushed out. */
  replayBytesDropped: number;
  /** Audio no session heard because a replay could not start early enough. */
  skippedMs: number;
}

/** The options of one of the stream's Soniox sessions. */
export function sessionOptionsOf(o: StreamOptions, deferStart: boolean): SessionOptions {
  return {
    url: o.url,
    apiKey: o.apiKey,
    authMethod: o.authMethod,
    start: o.start,
    transport: o.transport,
    clock: o.clock,
    keepaliveIntervalMs: o.keepaliveIntervalMs,
    connectTimeoutMs: o.connectTimeoutMs,
    finishTimeoutMs: o.finishTimeoutMs,
    pacing: o.pacing,
    paceCatchUpMs: o.paceCatchUpMs,
    maxQueuedBytes: o.maxQueuedBytes,
    heartbeatIntervalMs: o.heartbeatIntervalMs,
    heartbeatTimeoutMs: o.heartbeatTimeoutMs,
    deferStart,
  };
}
