import type { AudioMeter } from "../audio";
import type { Clock } from "../clock";
import type { MessageKey, SonioxError } from "../errors";
import type { SonioxResult } from "./protocol";
import type { QueueItem } from "./send-queue";
import type { SessionState } from "./session-state";
import type { StartMessage } from "./start-message";
import type { AuthMethod, TransportFactory } from "./transport";

export type CloseReason = "finished" | "canceled" | "failed";

export interface SessionClose {
  reason: CloseReason;
  error?: SonioxError;
}

export interface SessionOptions {
  url: string;
  apiKey: string;
  authMethod?: AuthMethod;
  start: StartMessage;
  transport: TransportFactory;
  clock: Clock;
  /** Keepalive goes out when no audio was sent for this long; Soniox drops a silent stream after 20 s. */
  keepaliveIntervalMs?: number;
  connectTimeoutMs?: number;
  finishTimeoutMs?: number;
  pacing?: boolean;
  /** How far audio that fell behind real time may catch up (SendQueueOptions.catchUpMs; default 2000). */
  paceCatchUpMs?: number;
  maxQueuedBytes?: number;
  /** Measures audio time for pacing; raw formats know it, containers need a decoder or a guess. */
  meter?: AudioMeter;
  /** WebSocket ping cadence and how long to wait for the pong before calling the connection dead. */
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  /** Queue audio without connecting until start() is called (a replacement waiting out its backoff). */
  deferStart?: boolean;
}

/**
 * What a replacement session needs from a dead one to go on where it stopped. Audio the stream's
 * replay bound already let go cannot be sent again; the stream warns how much was skipped.
 */
export interface Handover {
  /** Stream position just past the last audio byte sent, or null when none was. */
  sentThrough: number | null;
  /** Audio and commands that were never sent, in order (keepalives left out). */
  unsent: QueueItem[];
  /** Finalize frames sent that Soniox had not answered with `<fin>`: a replacement must finalize again. */
  unansweredFinalizes: number;
  /** Audio was paused when the session stopped taking it (it failed, or ended, while paused). */
  paused: boolean;
}

export interface SessionStats {
  audioBytesIn: number;
  audioBytesSent: number;
  audioMsSent: number;
  /** Oldest audio pushed out by the queue bound. */
  droppedBytes: number;
  /** Audio that arrived while paused (dropped on purpose, as pause means). */
  pausedBytes: number;
  keepalivesSent: number;
  responses: number;
  /** Times audio had to wait because the socket could not keep up. */
  backpressureWaits: number;
}

export function emptyStats(): SessionStats {
  return { audioBytesIn: 0, audioBytesSent: 0, audioMsSent: 0, droppedBytes: 0, pausedBytes: 0, keepalivesSent: 0, responses: 0, backpressureWaits: 0 };
}

export interface SessionEvents {
  state: [state: SessionState, previous: SessionState];
  open: [];
  result: [result: SonioxResult];
  warning: [message: string, i18n?: MessageKey];
  close: [info: SessionClose];
}
