import { EventEmitter } from "events";
import type { AudioMeter } from "../audio";
import type { Clock } from "../clock";
import { resumePoint } from "../audio";
import type { ControlCommand } from "../control";
import { SonioxError } from "../errors";
import { meterFor as defaultMeterFor, type MeterContext } from "../audio";
import { END_OF_STREAM_FRAME, type SonioxResult } from "./protocol";
import { reconnectDelay, DEFAULT_RECONNECT, type ReconnectPolicy } from "./reconnect-policy";
import { summariseResult, type ResultSummary } from "./results";
import { SonioxSession, type SessionClose, type SessionState } from "./session";
import type { StartMessage } from "./start-message";
import { StreamHead } from "../audio";
import type { AuthMethod, TransportFactory } from "./transport";

export interface RotationPolicy {
  /** Start a fresh session after this much audio (Soniox caps a session at 300 min); 0 = never. */
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
  maxQueuedBytes: number;
  /** End the stream gracefully after this long without audio; 0 = never. */
  idleTimeoutMs: number;
  reconnect?: ReconnectPolicy;
  rotation?: RotationPolicy;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  /** Picks how audio time is measured once the first bytes are seen. */
  meterFor?: (start: StartMessage, head: Uint8Array, ctx: MeterContext) => AudioMeter;
}

export interface StreamResponse extends ResultSummary {
  tokens: SonioxResult["tokens"];
  final_audio_proc_ms?: number;
  total_audio_proc_ms?: number;
}

/** Marks the start of a replacement Soniox session: timestamps continue, speaker labels restart. */
export interface StreamRestart {
  session: number;
  reason: "reconnect" | "rotation";
  /** Where the new session's audio starts on the stream's timeline. */
  offset_ms: number;
  /** Why the previous session ended (reconnects only). */
  error?: { code: SonioxError["code"]; message: string };
}

export type StreamState = SessionState | "reconnecting";

export interface StreamEvents {
  response: [response: StreamResponse];
  restart: [restart: StreamRestart];
  state: [state: StreamState];
  warning: [message: string];
  /** The stream is over; `error` is set when it ended in failure. */
  closed: [info: SessionClose];
}

/** A replacement session counts as working (the attempt count resets) after this long. */
const HEALTHY_AFTER_MS = 10000;

const DEFAULT_ROTATION: RotationPolicy = { afterMs: 280 * 60 * 1000, graceMs: 10 * 60 * 1000 };

/**
 * One named audio stream of a transcribe node. Usually one Soniox session; when a session fails
 * with a retryable error it is replaced (reconnect), and before Soniox's 300-minute cap it is
 * rotated. Either way no audio is lost: unsent audio moves over, audio Soniox had not finalized is
 * sent again, and timestamps continue on one timeline.
 */
export class TranscriptionStream extends EventEmitter<StreamEvents> {
  readonly key: string;
  private current: SonioxSession;
  private readonly offsets = new Map<SonioxSession, number>();
  private readonly retiring = new Set<SonioxSession>();
  private readonly head: StreamHead;
  private readonly reconnect: ReconnectPolicy;
  private readonly rotation: RotationPolicy;
  private sessions = 1;
  private attempts = 0;
  private reconnectTimer: unknown = null;
  private pendingRestart: StreamRestart | null = null;
  private ending = false;
  private closedInfo: SessionClose | null = null;
  private idleTimer: unknown = null;
  private lastAudioAt: number;
  private firstChunk: Uint8Array | null = null;
  private lastState: StreamState = "idle";
  private healthyAt = 0;

  constructor(private readonly opts: StreamOptions) {
    super();
    this.key = opts.key;
    this.lastAudioAt = opts.clock.now();
    this.head = new StreamHead(opts.start.audio_format);
    this.reconnect = opts.reconnect ?? DEFAULT_RECONNECT;
    this.rotation = opts.rotation ?? DEFAULT_ROTATION;
    this.current = this.createSession(0, false);
    this.armIdleTimer();
  }

  /** The Soniox session serving the stream now (tests and diagnostics). */
  get session(): SonioxSession {
    return this.current;
  }

  /** Soniox sessions this stream has used, 1-based. */
  get sessionNumber(): number {
    return this.sessions;
  }

  get state(): StreamState {
    if (this.closedInfo) return this.closedInfo.reason;
    if (this.reconnectTimer !== null || this.pendingRestart?.reason === "reconnect") return "reconnecting";
    return this.current.state;
  }

  get isClosed(): boolean {
    return this.closedInfo !== null;
  }

  /** A stop was asked for: the stream takes no more audio and finishes what it has. */
  get isEnding(): boolean {
    return this.ending;
  }

  audio(chunk: Uint8Array): boolean {
    if (this.closedInfo) return false;
    if (chunk.length > 0) {
      this.head.observe(chunk);
      if (this.firstChunk === null) {
        this.firstChunk = chunk;
        this.current.useMeter(this.newMeter());
      }
    }
    this.lastAudioAt = this.opts.clock.now();
    return this.current.sendAudio(chunk);
  }

  control(command: ControlCommand): void {
    if (this.closedInfo) return;
    const s = this.current;
    switch (command.type) {
      case "start":
        if (this.reconnectTimer === null) s.start();
        return;
      case "finalize":
        s.finalize(command.trailing_silence_ms);
        return;
      case "keepalive":
        s.keepalive();
        return;
      case "pause":
        s.pause();
        if (this.reconnectTimer === null) s.start();
        return;
      case "resume":
        s.resume();
        return;
      case "stop":
        this.ending = true;
        s.end();
        return;
      case "cancel":
        this.cancel();
        return;
    }
  }

  /** Immediate end of everything: sessions, timers, decoders. */
  cancel(): void {
    if (this.closedInfo) return;
    this.clearTimers();
    for (const s of this.retiring) s.cancel();
    this.current.cancel();
    this.close({ reason: "canceled" });
  }

  /** A meter for the current session, chosen from the stream's first bytes. */
  private newMeter(): AudioMeter {
    const meterFor = this.opts.meterFor ?? defaultMeterFor;
    const session = this.current;
    return meterFor(this.opts.start, this.firstChunk ?? new Uint8Array(0), {
      pacing: this.opts.pacing,
      clock: this.opts.clock,
      repace: () => session.repace(),
      warn: (message) => this.emit("warning", message),
    });
  }

  private createSession(offsetMs: number, deferStart: boolean): SonioxSession {
    const session = new SonioxSession({
      url: this.opts.url,
      apiKey: this.opts.apiKey,
      authMethod: this.opts.authMethod,
      start: this.opts.start,
      transport: this.opts.transport,
      clock: this.opts.clock,
      keepaliveIntervalMs: this.opts.keepaliveIntervalMs,
      connectTimeoutMs: this.opts.connectTimeoutMs,
      finishTimeoutMs: this.opts.finishTimeoutMs,
      pacing: this.opts.pacing,
      maxQueuedBytes: this.opts.maxQueuedBytes,
      heartbeatIntervalMs: this.opts.heartbeatIntervalMs,
      heartbeatTimeoutMs: this.opts.heartbeatTimeoutMs,
      deferStart,
    });
    this.offsets.set(session, offsetMs);
    session.on("state", () => this.noteState());
    session.on("warning", (w) => this.emit("warning", w));
    session.on("open", () => this.onOpen(session));
    session.on("result", (r) => this.onResult(session, r));
    session.on("close", (info) => this.onSessionClose(session, info));
    return session;
  }

  private onOpen(session: SonioxSession): void {
    if (session !== this.current) return;
    this.healthyAt = this.opts.clock.now() + HEALTHY_AFTER_MS;
    if (!this.pendingRestart) return;
    const restart = this.pendingRestart;
    this.pendingRestart = null;
    this.emit("restart", restart);
    this.noteState();
  }

  private onResult(session: SonioxSession, result: SonioxResult): void {
    // A replacement that keeps failing soon after it opens must not reset the count forever.
    if (session === this.current && this.attempts > 0 && this.opts.clock.now() >= this.healthyAt) this.attempts = 0;
    const offset = this.offsets.get(session) ?? 0;
    if (offset > 0) shiftTimeline(result, offset);
    const summary = summariseResult(result);
    const response: StreamResponse = { tokens: result.tokens, ...summary };
    if (result.final_audio_proc_ms !== undefined) response.final_audio_proc_ms = result.final_audio_proc_ms;
    if (result.total_audio_proc_ms !== undefined) response.total_audio_proc_ms = result.total_audio_proc_ms;
    // A retiring session's "finished" ends that session, not the stream.
    const streamFinished = summary.finished && session === this.current;
    if (summary.finished && !streamFinished) response.finished = false;
    this.emit("response", response);
    if (session === this.current) this.maybeRotate(summary);
  }

  private onSessionClose(session: SonioxSession, info: SessionClose): void {
    this.offsets.delete(session);
    session.removeAllListeners();
    if (this.retiring.delete(session)) {
      if (info.error) this.emit("warning", `The session rotated out ended badly: ${info.error.message}`);
      if (this.ending && this.current.isClosed && this.retiring.size === 0) this.close({ reason: "finished" });
      return;
    }
    if (session !== this.current || this.closedInfo) return;
    if (info.reason === "failed" && info.error && this.shouldReconnect(info.error)) {
      this.replace(session, info.error);
      return;
    }
    if (info.reason === "failed" && info.error && this.attempts > 0) {
      const err = new SonioxError(info.error.code, `${info.error.message} (gave up after ${this.attempts} reconnect attempts)`);
      this.close({ reason: "failed", error: err });
      return;
    }
    if (this.retiring.size > 0 && info.reason === "finished") return;
    this.close(info);
  }

  private shouldReconnect(error: SonioxError): boolean {
    return this.reconnect.enabled && error.retryable && this.attempts < this.reconnect.maxAttempts;
  }

  /**
   * Replaces a failed session: what it never sent and what Soniox never finalized go to a new
   * session (after the container header, when the format needs one), which starts after backoff.
   */
  private replace(failed: SonioxSession, error: SonioxError): void {
    this.attempts++;
    const handover = failed.handover();
    const failedOffset = this.offsets.get(failed) ?? 0;
    const offset = failedOffset + handover.fromMs;
    const next = this.createSession(offset, true);
    this.current = next;
    this.sessions++;
    if (this.firstChunk) next.useMeter(this.newMeter());
    if (failed.isPaused) next.pause();
    const replay = this.resumable(handover.replay, handover.fromStart);
    const replayMs = Math.max(0, failed.stats.audioMsSent - handover.fromMs);
    next.backdate(replayMs);
    for (const chunk of replay) next.sendAudio(chunk);
    for (const item of handover.unsent) {
      if (item.kind === "audio") next.sendAudio(item.data);
      else if (item.text === END_OF_STREAM_FRAME) next.end();
      else next.sendText(item.text);
    }
    if (this.ending && next.state !== "finishing") next.end();
    const delay = reconnectDelay(this.reconnect, error, this.attempts);
    this.pendingRestart = {
      session: this.sessions,
      reason: "reconnect",
      offset_ms: offset,
      error: { code: error.code, message: error.message },
    };
    this.emit(
      "warning",
      `Reconnecting (attempt ${this.attempts} of ${this.reconnect.maxAttempts}${delay > 0 ? ` in ${delay} ms` : ""}) after: ${error.message}`,
    );
    this.reconnectTimer = this.opts.clock.setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closedInfo) next.start();
    }, delay);
    this.noteState();
  }

  /** Replay bytes a new session can decode: header first, and for containers from a resync point. */
  private resumable(replay: Uint8Array[], fromStart: boolean): Uint8Array[] {
    const kind = this.head.kind;
    if (fromStart || replay.length === 0 || kind === null || kind === "raw" || kind === "unknown") return replay;
    const header = this.head.header;
    if (kind === "wav") return header ? [header, ...replay] : replay;
    const joined = Buffer.concat(replay);
    const at = resumePoint(kind, joined);
    if (at < 0) {
      this.emit("warning", `Could not find a point to resume this ${kind} audio; the unconfirmed audio before the reconnect was skipped. Use "convert to PCM" for lossless reconnects.`);
      return header ? [header] : [];
    }
    return header ? [header, joined.subarray(at)] : [joined.subarray(at)];
  }

  /**
   * Soniox ends a session after 300 minutes of audio; a fresh one is opened beforehand, at a quiet
   * moment when possible, while the old one finalizes what it has.
   */
  private maybeRotate(summary: ResultSummary): void {
    const { afterMs, graceMs } = this.rotation;
    const s = this.current;
    if (afterMs <= 0 || this.ending || s.state !== "streaming" || s.queuedBytes > 0) return;
    const sent = s.stats.audioMsSent;
    const quiet = summary.endpoint || summary.finalized;
    if (sent < afterMs || (!quiet && sent < afterMs + graceMs)) return;
    const old = s;
    const offset = (this.offsets.get(old) ?? 0) + sent;
    const next = this.createSession(offset, false);
    this.current = next;
    this.sessions++;
    this.retiring.add(old);
    if (this.firstChunk) next.useMeter(this.newMeter());
    if (this.head.header) next.sendAudio(this.head.header);
    this.pendingRestart = { session: this.sessions, reason: "rotation", offset_ms: offset };
    next.start();
    old.end();
  }

  private noteState(): void {
    const state = this.state;
    if (state === this.lastState) return;
    this.lastState = state;
    this.emit("state", state);
  }

  private close(info: SessionClose): void {
    if (this.closedInfo) return;
    this.closedInfo = info;
    this.clearTimers();
    this.emit("state", info.reason);
    this.emit("closed", info);
  }

  private clearTimers(): void {
    if (this.idleTimer !== null) this.opts.clock.clearTimeout(this.idleTimer);
    if (this.reconnectTimer !== null) this.opts.clock.clearTimeout(this.reconnectTimer);
    this.idleTimer = null;
    this.reconnectTimer = null;
  }

  /** One timer per stream, re-armed from the last audio rather than reset per chunk. */
  private armIdleTimer(): void {
    const limit = this.opts.idleTimeoutMs;
    if (limit <= 0) return;
    const wait = Math.max(1, limit - (this.opts.clock.now() - this.lastAudioAt));
    this.idleTimer = this.opts.clock.setTimeout(() => {
      this.idleTimer = null;
      if (this.closedInfo) return;
      if (this.opts.clock.now() - this.lastAudioAt >= limit) {
        this.emit("warning", `Stream "${this.key}" had no audio for ${limit / 1000} s and was ended (open streams are billed)`);
        this.control({ type: "stop" });
        return;
      }
      this.armIdleTimer();
    }, wait);
  }
}

/** Moves a replacement session's timestamps onto the stream's timeline. */
function shiftTimeline(result: SonioxResult, offset: number): void {
  for (const token of result.tokens) {
    if (token.start_ms !== undefined) token.start_ms += offset;
    if (token.end_ms !== undefined) token.end_ms += offset;
  }
  if (result.final_audio_proc_ms !== undefined) result.final_audio_proc_ms += offset;
  if (result.total_audio_proc_ms !== undefined) result.total_audio_proc_ms += offset;
}
