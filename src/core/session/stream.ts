import { EventEmitter } from "events";
import { meterFor as defaultMeterFor, type AudioMeter, type MeterContext, type ResumePoint } from "../audio";
import type { Clock } from "../clock";
import type { ControlCommand } from "../control";
import { errorPart, SonioxError, type MessageKey } from "../errors";
import { END_OF_STREAM_FRAME, type SonioxResult } from "./protocol";
import { reconnectDelay, DEFAULT_RECONNECT, type ReconnectPolicy } from "./reconnect-policy";
import { RepeatGuard } from "./repeat-guard";
import { ReplayLog } from "./replay-log";
import { responseOf, summariseResult, type ResultSummary } from "./results";
import { SonioxSession, type Handover, type SessionClose, type SessionState } from "./session";
import { SessionMeterView } from "./session-meter-view";
import type { StartMessage } from "./start-message";
import { StreamTimeline } from "./stream-timeline";
import type { AuthMethod, TransportFactory } from "./transport";

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

export interface StreamStats {
  /** Final tokens a replacement session produced again and that were not delivered twice. */
  repeatedFinalsDropped: number;
  /** Unconfirmed audio the replay bound pushed out. */
  replayBytesDropped: number;
  /** Audio no session heard because a replay could not start early enough. */
  skippedMs: number;
}

interface SessionInfo {
  number: number;
  /** Where this session's audio begins on the stream's timeline; null until it gets audio. */
  offsetMs: number | null;
  createdAt: number;
}

/** A replacement session counts as working (the attempt count resets) after this long. */
const HEALTHY_AFTER_MS = 10000;

const DEFAULT_ROTATION: RotationPolicy = { afterMs: 280 * 60 * 1000, graceMs: 10 * 60 * 1000 };

/** Soniox's answer when a session reached its length cap: a new session carries on. */
const TOO_LONG = /too long/i;

/**
 * One named audio stream of a transcribe node. Usually one Soniox session; when a session fails
 * with a retryable error it is replaced (reconnect), and before Soniox's 300-minute cap it is
 * rotated. Either way no audio is lost and no word repeated: the stream keeps audio Soniox has
 * not finalized by its byte position, a replacement starts at the resumable point at or before
 * what Soniox finalized (header first), its timestamps are placed by the stream's own clock at
 * that point, and final words a replacement hears twice are delivered once.
 */
export class TranscriptionStream extends EventEmitter<StreamEvents> {
  readonly key: string;
  private current: SonioxSession;
  private readonly info = new Map<SonioxSession, SessionInfo>();
  private readonly retiring = new Set<SonioxSession>();
  private readonly log: ReplayLog;
  private readonly guard = new RepeatGuard();
  private readonly reconnect: ReconnectPolicy;
  private readonly rotation: RotationPolicy;
  private meter: AudioMeter | null = null;
  private timeline: StreamTimeline | null = null;
  /** Stream position of the next byte the user sends. */
  private received = 0;
  /** What Soniox has finalized, on the stream's timeline. */
  private confirmedMs = 0;
  private sessions = 1;
  private attempts = 0;
  private reconnectTimer: unknown = null;
  private rotationTimer: unknown = null;
  private rotationDue = false;
  private pendingRestart: StreamRestart | null = null;
  /** Events of the new session held back until the retiring one has said everything. */
  private held: Array<() => void> = [];
  private ending = false;
  private closedInfo: SessionClose | null = null;
  private idleTimer: unknown = null;
  private lastAudioAt: number;
  private lastState: StreamState = "idle";
  private healthyAt = 0;
  private warnedReplayBound = false;
  readonly stats: StreamStats = { repeatedFinalsDropped: 0, replayBytesDropped: 0, skippedMs: 0 };

  constructor(private readonly opts: StreamOptions) {
    super();
    this.key = opts.key;
    this.lastAudioAt = opts.clock.now();
    this.log = new ReplayLog(opts.maxReplayBytes ?? 8 * 1024 * 1024);
    this.reconnect = opts.reconnect ?? DEFAULT_RECONNECT;
    this.rotation = opts.rotation ?? DEFAULT_ROTATION;
    this.current = this.createSession(false);
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
    if (chunk.length === 0) return this.current.sendAudio(chunk);
    if (this.meter === null) this.chooseMeter(chunk);
    this.meter?.observe(chunk);
    const at = this.received;
    this.received += chunk.length;
    this.lastAudioAt = this.opts.clock.now();
    const session = this.current;
    // Audio that arrives while paused is dropped on purpose (that is what pause means), so it is
    // neither kept for replay nor the start of a session's timeline.
    if (!session.isPaused) {
      this.noteFirstAudio(session, at);
      this.keep(chunk, at);
    }
    return session.sendAudio(chunk, at);
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
        if (this.rotationDue) this.rotate();
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

  /** The stream's meter and timeline, chosen from its first bytes; each session sees them through a view. */
  private chooseMeter(first: Uint8Array): void {
    const meterFor = this.opts.meterFor ?? defaultMeterFor;
    this.meter = meterFor(this.opts.start, first, {
      pacing: this.opts.pacing,
      ffmpeg: this.opts.ffmpeg,
      clock: this.opts.clock,
      repace: () => this.current.repace(),
      warn: (message, i18n) => this.emit("warning", message, i18n),
    });
    this.timeline = new StreamTimeline(this.meter);
    this.current.useMeter(new SessionMeterView(this.meter));
  }

  private noteFirstAudio(session: SonioxSession, at: number): void {
    const info = this.info.get(session);
    if (info && info.offsetMs === null) info.offsetMs = this.timeline?.msAt(at) ?? 0;
  }

  /** Keeps audio for a possible replay; says once when the bound starts costing replayable audio. */
  private keep(chunk: Uint8Array, at: number): void {
    const dropped = this.log.record(chunk, at);
    if (dropped === 0) return;
    this.stats.replayBytesDropped += dropped;
    if (this.warnedReplayBound) return;
    this.warnedReplayBound = true;
    this.emit(
      "warning",
      `Soniox is more than ${this.opts.maxReplayBytes ?? 8 * 1024 * 1024} bytes of audio behind in finalizing; the oldest unconfirmed audio is no longer kept, so a reconnect now would skip it (the restart message says how much)`,
      { key: "session.replay-bound", params: { bytes: this.opts.maxReplayBytes ?? 8 * 1024 * 1024 } },
    );
  }

  private createSession(deferStart: boolean): SonioxSession {
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
      paceCatchUpMs: this.opts.paceCatchUpMs,
      maxQueuedBytes: this.opts.maxQueuedBytes,
      heartbeatIntervalMs: this.opts.heartbeatIntervalMs,
      heartbeatTimeoutMs: this.opts.heartbeatTimeoutMs,
      deferStart,
    });
    this.info.set(session, { number: this.sessions, offsetMs: null, createdAt: this.opts.clock.now() });
    if (this.meter) session.useMeter(new SessionMeterView(this.meter));
    session.on("state", () => this.noteState());
    session.on("warning", (w, i18n) => this.emit("warning", w, i18n));
    session.on("open", () => this.onOpen(session));
    session.on("result", (r) => this.onResult(session, r));
    session.on("close", (info) => this.onSessionClose(session, info));
    this.armRotation();
    return session;
  }

  private onOpen(session: SonioxSession): void {
    if (session !== this.current) return;
    this.healthyAt = this.opts.clock.now() + HEALTHY_AFTER_MS;
    if (!this.pendingRestart) return;
    const restart = this.pendingRestart;
    this.pendingRestart = null;
    this.deliver(session, () => this.emit("restart", restart));
    this.noteState();
  }

  /** A retiring session's replies all come before the new session's restart marker and replies. */
  private deliver(session: SonioxSession, event: () => void): void {
    if (this.mustHold(session)) this.held.push(event);
    else event();
  }

  private mustHold(session: SonioxSession): boolean {
    return this.retiring.size > 0 && !this.retiring.has(session);
  }

  private respond(result: SonioxResult, session: number, finished: boolean): void {
    const before = this.guard.droppedFinals;
    const tokens = this.guard.filter(result.tokens);
    this.stats.repeatedFinalsDropped += this.guard.droppedFinals - before;
    this.emit("response", responseOf(tokens, result, session, finished));
  }

  private onResult(session: SonioxSession, result: SonioxResult): void {
    // A replacement that keeps failing soon after it opens must not reset the count forever.
    if (session === this.current && this.attempts > 0 && this.opts.clock.now() >= this.healthyAt) this.attempts = 0;
    const info = this.info.get(session);
    const offset = info?.offsetMs ?? 0;
    if (offset > 0) shiftTimeline(result, offset);
    if (result.final_audio_proc_ms !== undefined) this.confirm(result.final_audio_proc_ms);
    // A retiring session's "finished" ends that session, not the stream.
    const streamFinished = result.finished === true && session === this.current;
    const number = info?.number ?? this.sessions;
    // Held back only while a rotation overlaps sessions: no closure per response otherwise.
    if (this.mustHold(session)) this.held.push(() => this.respond(result, number, streamFinished));
    else this.respond(result, number, streamFinished);
    // The summary of the unfiltered tokens is only needed when a rotation waits for a quiet moment.
    if (session === this.current && this.rotationDue) this.maybeRotate(summariseResult(result));
  }

  /** Audio before `finalMs` (stream timeline) will never be replayed: let it go. */
  private confirm(finalMs: number): void {
    if (finalMs <= this.confirmedMs || !this.timeline) return;
    this.confirmedMs = finalMs;
    const point = this.timeline.resumeAtOrBefore(finalMs);
    if (!point) return;
    this.log.release(point.offset);
    this.timeline.release(point.offset);
  }

  private onSessionClose(session: SonioxSession, info: SessionClose): void {
    session.removeAllListeners();
    if (this.retiring.delete(session)) {
      this.info.delete(session);
      if (info.error) this.emit("warning", `The session rotated out ended badly: ${info.error.message}`, {
          key: "session.rotated-out-failed",
          parts: { message: errorPart(info.error) },
        });
      if (this.retiring.size === 0) this.flushHeld();
      if (this.ending && this.current.isClosed && this.retiring.size === 0) this.close({ reason: "finished" });
      return;
    }
    if (session !== this.current || this.closedInfo) return;
    const error = info.error;
    if (info.reason === "failed" && error?.code === 408 && this.neverHeardAudio(session)) {
      this.info.delete(session);
      this.reconnectLazily(session);
      return;
    }
    if (info.reason === "failed" && error && error.code === 400 && TOO_LONG.test(error.message) && !this.ending) {
      this.replace(session, error, "rotation");
      return;
    }
    if (info.reason === "failed" && error && this.shouldReconnect(error)) {
      this.attempts++;
      this.replace(session, error, "reconnect");
      return;
    }
    if (info.reason === "failed" && error && this.attempts > 0) {
      const err = new SonioxError(error.code, `${error.message} (gave up after ${this.attempts} reconnect attempts)`, {
        key: "session.gave-up",
        params: { attempts: this.attempts },
        parts: { message: errorPart(error) },
      });
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
   * A session that failed before it was given any audio (a pre-connected stream that Soniox timed
   * out waiting for the first audio, if a keepalive does not count as audio) lost nothing. It is
   * replaced by one that connects when audio comes, so a pre-connected stream works whichever way
   * Soniox counts keepalives.
   */
  private neverHeardAudio(session: SonioxSession): boolean {
    const h = session.handover();
    return h.sentThrough === null && !h.unsent.some((i) => i.kind === "audio") && !this.ending && this.retiring.size === 0 && this.reconnect.enabled;
  }

  private reconnectLazily(failed: SonioxSession): void {
    const unsent = failed.handover().unsent;
    const next = this.createSession(false);
    this.current = next;
    if (failed.isPaused) next.pause();
    for (const item of unsent) if (item.kind === "text" && item.text !== END_OF_STREAM_FRAME) next.sendText(item.text);
    this.noteState();
  }

  /**
   * Replaces a failed session. The new one gets the header, then the stream's audio from the
   * resumable point at or before what Soniox finalized, then what never went out, in order; its
   * timeline starts at that point's exact time. It connects after backoff (none for a rotation).
   */
  private replace(failed: SonioxSession, error: SonioxError, reason: StreamRestart["reason"]): void {
    const handover = failed.handover();
    this.info.delete(failed);
    const next = this.createSession(true);
    this.current = next;
    this.sessions++;
    this.info.get(next)!.number = this.sessions;
    const plan = this.replayPlan(handover);
    this.info.get(next)!.offsetMs = plan.offsetMs;
    if (plan.skippedMs > 0) {
      this.stats.skippedMs += plan.skippedMs;
      const i18n = plan.whyKey === null ? undefined : { key: plan.whyKey, params: { ms: Math.round(plan.skippedMs) } };
      this.emit("warning", `Reconnect skipped ${Math.round(plan.skippedMs)} ms of audio Soniox had not finalized (${plan.why})`, i18n);
    }
    next.backdate(plan.replayMs);
    const header = this.timeline?.header() ?? null;
    if (header && plan.from !== null && plan.from > 0) next.sendAudio(header, null);
    for (const c of plan.replay) next.sendAudio(c.data, c.offset);
    for (const item of handover.unsent) {
      if (item.kind === "audio") {
        const trimmed = trimBefore(item.data, item.at, plan.resumeFrom);
        if (trimmed) next.sendAudio(trimmed.data, trimmed.at);
      } else if (item.text === END_OF_STREAM_FRAME) next.end();
      else next.sendText(item.text);
    }
    if (failed.isPaused) next.pause();
    if (this.ending && next.state !== "finishing") next.end();
    const delay = reason === "rotation" ? 0 : reconnectDelay(this.reconnect, error, this.attempts);
    this.pendingRestart = {
      session: this.sessions,
      reason,
      offset_ms: plan.offsetMs,
      skipped_ms: Math.round(plan.skippedMs),
      error: { code: error.code, message: error.message },
    };
    if (reason === "reconnect") {
      this.emit(
        "warning",
        `Reconnecting (attempt ${this.attempts} of ${this.reconnect.maxAttempts}${delay > 0 ? ` in ${delay} ms` : ""}) after: ${error.message}`,
        {
          key: delay > 0 ? "session.reconnecting-in" : "session.reconnecting",
          params: { attempt: this.attempts, max: this.reconnect.maxAttempts, ms: delay },
          parts: { message: errorPart(error) },
        },
      );
    } else {
      this.emit("warning", `Soniox ended the session at its length limit (${error.message}); a new session carries on`, {
        key: "session.rotated",
        parts: { message: errorPart(error) },
      });
    }
    this.reconnectTimer = this.opts.clock.setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closedInfo) next.start();
    }, delay);
    this.noteState();
  }

  /** Where a replacement starts, what it replays, and what (if anything) no session will hear. */
  private replayPlan(handover: Handover): {
    from: number | null;
    resumeFrom: number;
    offsetMs: number;
    replay: Array<{ data: Uint8Array; offset: number }>;
    replayMs: number;
    skippedMs: number;
    why: string;
    /** The catalogue key of the warning that names why, or null when why is empty. */
    whyKey: string | null;
  } {
    const firstUnsent = handover.unsent.find((i) => i.kind === "audio" && i.at !== null);
    const end = firstUnsent?.kind === "audio" && firstUnsent.at !== null ? firstUnsent.at : handover.sentThrough;
    const timeline = this.timeline;
    if (end === null || !timeline) {
      // Nothing was sent: the unsent audio, in full, is the whole replay.
      const at = firstUnsent?.kind === "audio" ? firstUnsent.at ?? 0 : this.received;
      return { from: null, resumeFrom: 0, offsetMs: timeline?.msAt(at) ?? 0, replay: [], replayMs: 0, skippedMs: 0, why: "", whyKey: null };
    }
    let point: ResumePoint | null = timeline.resumeAtOrBefore(this.confirmedMs);
    let why = "";
    let whyKey: string | null = null;
    if (point && point.offset > end) point = { offset: end, ms: timeline.msAt(end) };
    if (!point || point.offset < this.log.start) {
      why = point ? "the replay bound had already let that audio go" : "no point to resume the audio was found before it";
      whyKey = point ? "session.skipped-replay-bound" : "session.skipped-no-resume-point";
      point = timeline.resumeAtOrAfter(Math.max(this.log.start, point?.offset ?? 0)) ?? { offset: end, ms: timeline.msAt(end) };
    }
    const replay = this.log.slice(point.offset, end);
    return {
      from: point.offset,
      resumeFrom: Math.max(end, point.offset),
      offsetMs: point.ms,
      replay,
      replayMs: Math.max(0, timeline.msAt(end) - point.ms),
      skippedMs: Math.max(0, point.ms - this.confirmedMs),
      why,
      whyKey,
    };
  }

  /** Arms the age check of the current session (wall clock, pauses included). */
  private armRotation(): void {
    if (this.rotationTimer !== null) this.opts.clock.clearTimeout(this.rotationTimer);
    this.rotationTimer = null;
    this.rotationDue = false;
    const { afterMs, graceMs } = this.rotation;
    if (afterMs <= 0) return;
    this.rotationTimer = this.opts.clock.setTimeout(() => {
      this.rotationDue = true;
      // A paused session is as quiet as it gets; otherwise wait for an endpoint, up to the grace.
      if (this.current.isPaused) return this.rotate();
      this.rotationTimer = this.opts.clock.setTimeout(() => {
        this.rotationTimer = null;
        this.rotate();
      }, graceMs);
    }, afterMs);
  }

  private maybeRotate(summary: ResultSummary): void {
    if (this.rotationDue && (summary.endpoint || summary.finalized)) this.rotate();
  }

  /**
   * Soniox ends a session after 300 minutes; a fresh one takes over beforehand, at a quiet moment
   * when possible, while the old one finalizes what it has. The new one starts at the resumable
   * point at or before the end of what the old one was sent, so a container decodes from its
   * first byte; the few words both hear are delivered once.
   */
  private rotate(): void {
    const old = this.current;
    if (this.ending || this.closedInfo || this.reconnectTimer !== null || old.queuedBytes > 0) {
      if (this.rotationDue && this.rotationTimer === null && !this.ending && !this.closedInfo) {
        this.rotationTimer = this.opts.clock.setTimeout(() => {
          this.rotationTimer = null;
          this.rotate();
        }, 1000);
      }
      return;
    }
    if (old.state !== "streaming" && old.state !== "paused") return;
    const sentThrough = old.audioSentThrough;
    const next = this.createSession(false);
    this.current = next;
    this.sessions++;
    this.info.get(next)!.number = this.sessions;
    this.retiring.add(old);
    let offsetMs = this.timeline?.msAt(this.received) ?? 0;
    if (sentThrough !== null && this.timeline) {
      const point = this.timeline.resumeAtOrBefore(this.timeline.msAt(sentThrough)) ?? { offset: sentThrough, ms: this.timeline.msAt(sentThrough) };
      const header = this.timeline.header();
      if (header && point.offset > 0) next.sendAudio(header, null);
      for (const c of this.log.slice(point.offset, sentThrough)) next.sendAudio(c.data, c.offset);
      offsetMs = point.ms;
      this.info.get(next)!.offsetMs = point.ms;
    }
    if (old.isPaused) next.pause();
    this.pendingRestart = { session: this.sessions, reason: "rotation", offset_ms: offsetMs, skipped_ms: 0 };
    next.start();
    old.end();
  }

  private flushHeld(): void {
    const held = this.held;
    this.held = [];
    for (const event of held) event();
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
    this.flushHeld();
    this.log.clear();
    this.meter?.destroy();
    this.emit("state", info.reason);
    this.emit("closed", info);
  }

  private clearTimers(): void {
    for (const name of ["idleTimer", "reconnectTimer", "rotationTimer"] as const) {
      const handle = this[name];
      if (handle !== null) this.opts.clock.clearTimeout(handle);
      this[name] = null;
    }
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
        this.emit("warning", `Stream "${this.key}" had no audio for ${limit / 1000} s and was ended (open streams are billed)`, {
          key: "session.idle-ended",
          params: { stream: this.key, seconds: limit / 1000 },
        });
        this.control({ type: "stop" });
        return;
      }
      this.armIdleTimer();
    }, wait);
  }
}

/** The part of a queued audio item at or after stream position `from` (null if none). */
function trimBefore(data: Uint8Array, at: number | null, from: number): { data: Uint8Array; at: number } | null {
  if (at === null) return null;
  if (at >= from) return { data, at };
  if (at + data.length <= from) return null;
  return { data: data.subarray(from - at), at: from };
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
