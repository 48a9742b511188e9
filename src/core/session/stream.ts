import { EventEmitter } from "events";
import { meterFor as defaultMeterFor, type AudioMeter } from "../audio";
import type { ControlCommand } from "../control";
import type { SonioxError } from "../errors";
import { decideOnClose } from "./close-decision";
import { IdleTimer } from "./idle-timer";
import { END_OF_STREAM_FRAME, type SonioxResult } from "./protocol";
import { reconnectDelay, DEFAULT_RECONNECT, type ReconnectPolicy } from "./reconnect-policy";
import { RepeatGuard, SessionTokens } from "./repeat-guard";
import { ReplayLog } from "./replay-log";
import { handOver, planReplay, planRotation } from "./replay-plan";
import { responseOf, summariseResult } from "./results";
import { RotationClock } from "./rotation-clock";
import { SeamSpacer } from "./seam-text";
import { SonioxSession } from "./session";
import type { SessionClose } from "./session-types";
import { SessionMeterView } from "./session-meter-view";
import { DEFAULT_STREAM_SETTINGS } from "./stream-defaults";
import { sessionOptionsOf, type ResultSummary, type StreamEvents, type StreamOptions, type StreamRestart, type StreamState, type StreamStats, type StreamSummary } from "./stream-types";
import { idleEndedWarning, reconnectingWarning, replayBoundWarning, rotatedOutFailedWarning, rotatedWarning, skippedWarning, type StreamWarning } from "./stream-warnings";
import { StreamTimeline } from "./timeline";

interface SessionInfo {
  number: number;
  /** What the repeat guard and the seam spacer remember of this session's tokens. */
  tokens: SessionTokens;
}

/**
 * "open": a session serves the stream (connecting, streaming, paused or finishing). "backoff": a
 * replacement waits out the reconnect delay before it connects. "closed": the stream is over.
 */
type StreamPhase = "open" | "backoff" | "closed";

/** A replacement session counts as working (the attempt count resets) after this long. */
const HEALTHY_AFTER_MS = 10000;


/**
 * One named audio stream of a transcribe node. Usually one Soniox session; when a session fails
 * with a retryable error it is replaced (reconnect), and before Soniox's 300-minute cap it is
 * rotated. Either way no word is repeated, and no audio is lost while the replay bound holds it:
 * the stream keeps audio Soniox has not finalized by its byte position, a replacement starts at
 * the resumable point at or before what Soniox finalized (header first), its timestamps are
 * placed by the stream's own clock at that point, and final words a replacement hears twice are
 * delivered once. Audio the bound already let go is skipped, with a warning saying how much.
 */
export class TranscriptionStream extends EventEmitter<StreamEvents> {
  readonly key: string;
  private current: SonioxSession;
  private readonly info = new Map<SonioxSession, SessionInfo>();
  private readonly retiring = new Set<SonioxSession>();
  private readonly log: ReplayLog;
  private readonly guard = new RepeatGuard();
  private readonly reconnect: ReconnectPolicy;
  private readonly rotation: RotationClock;
  private readonly spacer: SeamSpacer;
  private meter: AudioMeter | null = null;
  private timeline: StreamTimeline | null = null;
  /** Stream position of the next byte the user sends. */
  private received = 0;
  private sessions = 1;
  private attempts = 0;
  private phase: StreamPhase = "open";
  private reconnectTimer: unknown = null;
  private pendingRestart: StreamRestart | null = null;
  /** Events of the new session held back until the retiring one has said everything. */
  private held: Array<() => void> = [];
  private ending = false;
  private closedInfo: SessionClose | null = null;
  private readonly idle: IdleTimer;
  private lastState: StreamState = "idle";
  private healthyAt = 0;
  private warnedReplayBound = false;
  readonly stats: StreamStats = { repeatedFinalsDropped: 0, replayBytesDropped: 0, skippedMs: 0 };

  constructor(private readonly opts: StreamOptions) {
    super();
    this.key = opts.key;
    this.log = new ReplayLog(opts.maxReplayBytes ?? DEFAULT_STREAM_SETTINGS.maxReplayBytes);
    this.reconnect = opts.reconnect ?? DEFAULT_RECONNECT;
    this.rotation = new RotationClock(opts.clock, opts.rotation ?? DEFAULT_STREAM_SETTINGS.rotation, {
      // A paused session is as quiet as it gets; otherwise wait for an endpoint, up to the grace.
      due: () => {
        if (this.current.isPaused) this.rotate();
      },
      force: () => this.rotate(),
    });
    this.spacer = new SeamSpacer(opts.start.language_hints ?? []);
    this.current = this.createSession(false);
    this.idle = new IdleTimer(opts.clock, opts.idleTimeoutMs, () => {
      if (this.closedInfo) return;
      this.warn(idleEndedWarning(this.key, opts.idleTimeoutMs));
      this.control({ type: "stop" });
    });
  }

  /** The Soniox session serving the stream now (tests and diagnostics). */
  get session(): SonioxSession {
    return this.current;
  }

  /** Soniox sessions this stream has used, 1-based. */
  get sessionNumber(): number {
    return this.sessions;
  }

  /** What this stream went through, for its last message. */
  summary(): StreamSummary {
    const damage = this.meter?.damage;
    return {
      sessions: this.sessions,
      repeated_finals_dropped: this.stats.repeatedFinalsDropped,
      replay_bytes_dropped: this.stats.replayBytesDropped,
      skipped_ms: Math.round(this.stats.skippedMs),
      damaged_stretches: damage?.stretches ?? 0,
      damaged_bytes: damage?.bytes ?? 0,
    };
  }

  get state(): StreamState {
    if (this.closedInfo) return this.closedInfo.reason;
    if (this.phase === "backoff" || this.pendingRestart?.reason === "reconnect") return "reconnecting";
    return this.current.state;
  }

  get isClosed(): boolean {
    return this.closedInfo !== null;
  }

  /** A stop was asked for: the stream takes no more audio and finishes what it has. */
  get isEnding(): boolean {
    return this.ending;
  }

  /** False when the stream takes no more audio (it is closed, or its session is finishing). */
  audio(chunk: Uint8Array): boolean {
    if (this.closedInfo) return false;
    if (chunk.length === 0) return true;
    const session = this.current;
    // Refused audio is not the stream's: it neither moves the stream position nor is kept for replay.
    if (!session.isLive) return false;
    if (this.meter === null) this.chooseMeter(chunk);
    this.meter?.observe(chunk);
    const at = this.received;
    this.received += chunk.length;
    this.idle.touch();
    // Audio that arrives while paused is dropped on purpose (that is what pause means), so it is
    // neither kept for replay nor the start of a session's timeline; no session's time counts it.
    if (session.isPaused) this.timeline?.drop(at, this.received);
    else {
      this.noteFirstAudio(session, at);
      this.keep(chunk, at);
    }
    session.sendAudio(chunk, at);
    // The first audio starts the session; one that could not even connect has closed, saying why.
    return !session.isClosed;
  }

  control(command: ControlCommand): void {
    if (this.closedInfo) return;
    const s = this.current;
    switch (command.type) {
      case "start":
        if (this.phase !== "backoff") s.start();
        return;
      case "finalize":
        s.finalize(command.trailing_silence_ms);
        return;
      case "keepalive":
        s.keepalive();
        return;
      case "pause":
        s.pause();
        if (this.phase !== "backoff") s.start();
        if (this.rotation.due) this.rotate();
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
      default: {
        // A command added to the control table fails to compile here until it is handled.
        const unhandled: never = command;
        throw new Error(`control command ${JSON.stringify(unhandled)} has no case in TranscriptionStream.control()`);
      }
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
    if (info && this.timeline && this.timeline.startOf(info.number) === null) this.timeline.begin(info.number, this.timeline.msAt(at));
  }

  /** Keeps audio for a possible replay; says once when the bound starts costing replayable audio. */
  private keep(chunk: Uint8Array, at: number): void {
    const dropped = this.log.record(chunk, at);
    if (dropped === 0) return;
    this.stats.replayBytesDropped += dropped;
    if (this.warnedReplayBound) return;
    this.warnedReplayBound = true;
    this.warn(replayBoundWarning(this.opts.maxReplayBytes ?? DEFAULT_STREAM_SETTINGS.maxReplayBytes));
  }

  private createSession(deferStart: boolean): SonioxSession {
    const session = new SonioxSession(sessionOptionsOf(this.opts, deferStart));
    this.info.set(session, { number: this.sessions, tokens: new SessionTokens() });
    if (this.meter) session.useMeter(new SessionMeterView(this.meter));
    session.on("state", () => this.noteState());
    session.on("warning", (w, i18n) => this.emit("warning", w, i18n));
    session.on("open", () => this.onOpen(session));
    session.on("result", (r) => this.onResult(session, r));
    session.on("close", (info) => this.onSessionClose(session, info));
    this.rotation.arm();
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

  private respond(result: SonioxResult, info: SessionInfo, finished: boolean): void {
    const before = this.guard.droppedFinals;
    const tokens = this.guard.filter(result.tokens, info.tokens);
    this.stats.repeatedFinalsDropped += this.guard.droppedFinals - before;
    this.spacer.apply(tokens, info.tokens);
    this.emit("response", responseOf(tokens, result, info.number, finished));
  }

  private onResult(session: SonioxSession, result: SonioxResult): void {
    // A replacement that keeps failing soon after it opens must not reset the count forever.
    if (session === this.current && this.attempts > 0 && this.opts.clock.now() >= this.healthyAt) this.attempts = 0;
    const info = this.info.get(session) ?? { number: this.sessions, tokens: new SessionTokens() };
    const point = this.timeline?.place(result, info.number);
    if (point) this.log.release(point.offset);
    // A retiring session's "finished" ends that session, not the stream.
    const streamFinished = result.finished === true && session === this.current;
    // No closure per response unless a rotation overlaps sessions.
    if (this.mustHold(session)) this.held.push(() => this.respond(result, info, streamFinished));
    else this.respond(result, info, streamFinished);
    // The summary of the unfiltered tokens is only needed when a rotation waits for a quiet moment.
    if (session === this.current && this.rotation.due) this.maybeRotate(summariseResult(result));
  }

  private onSessionClose(session: SonioxSession, info: SessionClose): void {
    session.removeAllListeners();
    if (this.retiring.delete(session)) {
      this.forget(session);
      if (info.error) this.warn(rotatedOutFailedWarning(info.error));
      if (this.retiring.size === 0) this.flushHeld();
      if (this.ending && this.current.isClosed && this.retiring.size === 0) this.close({ reason: "finished" });
      return;
    }
    if (session !== this.current || this.closedInfo) return;
    const decision = decideOnClose(info, {
      neverHeardAudio: this.neverHeardAudio(session),
      ending: this.ending,
      attempts: this.attempts,
      retiring: this.retiring.size > 0,
      reconnect: this.reconnect,
    });
    switch (decision.kind) {
      case "lazy":
        this.forget(session);
        return this.reconnectLazily(session);
      case "rotate":
        return this.replace(session, decision.error, "rotation");
      case "reconnect":
        this.attempts++;
        return this.replace(session, decision.error, "reconnect");
      case "close":
        return this.close(decision.close);
      case "wait":
        return;
    }
  }

  /**
   * A session that failed before it was given any audio (a pre-connected stream that Soniox timed
   * out waiting for the first audio, if a keepalive does not count as audio) lost nothing. It is
   * replaced by one that connects when audio comes, so a pre-connected stream works whichever way
   * Soniox counts keepalives.
   */
  private neverHeardAudio(session: SonioxSession): boolean {
    const h = session.handover();
    return h.sentThrough === null && !h.unsent.some((i) => i.kind === "audio");
  }

  private reconnectLazily(failed: SonioxSession): void {
    const { unsent, paused } = failed.handover();
    const next = this.createSession(false);
    this.current = next;
    if (paused) next.pause();
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
    const plan = planReplay(handover, this.timeline, this.log, this.received);
    const next = this.createSession(true);
    this.current = next;
    this.sessions++;
    this.info.get(next)!.number = this.sessions;
    this.timeline?.begin(this.sessions, plan.offsetMs);
    this.forget(failed);
    if (plan.skippedMs > 0) {
      this.stats.skippedMs += plan.skippedMs;
      this.warn(skippedWarning(plan));
    }
    handOver(next, { handover, plan, header: this.timeline?.header() ?? null, ending: this.ending });
    const delay = reason === "rotation" ? 0 : reconnectDelay(this.reconnect, error, this.attempts);
    this.pendingRestart = {
      session: this.sessions,
      reason,
      offset_ms: plan.offsetMs,
      skipped_ms: Math.round(plan.skippedMs),
      error: { code: error.code, message: error.message },
    };
    this.warn(reason === "reconnect" ? reconnectingWarning(this.attempts, this.reconnect.maxAttempts, delay, error) : rotatedWarning(error));
    this.phase = "backoff";
    this.reconnectTimer = this.opts.clock.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.phase !== "backoff") return;
      this.phase = "open";
      next.start();
    }, delay);
    this.noteState();
  }

  /** A session is gone for good: its number and start are no longer asked about. */
  private forget(session: SonioxSession): void {
    const info = this.info.get(session);
    this.info.delete(session);
    if (info) this.timeline?.end(info.number);
  }

  private maybeRotate(summary: ResultSummary): void {
    if (this.rotation.due && (summary.endpoint || summary.finalized)) this.rotate();
  }

  /**
   * Soniox ends a session after 300 minutes; a fresh one takes over beforehand, at a quiet moment
   * when possible, while the old one finalizes what it has. The new one starts at the resumable
   * point at or before the end of what the old one was sent, so a container decodes from its
   * first byte; the few words both hear are delivered once.
   */
  private rotate(): void {
    const old = this.current;
    if (this.ending || this.closedInfo || this.phase === "backoff" || old.queuedBytes > 0) {
      if (!this.ending && !this.closedInfo) this.rotation.retryLater();
      return;
    }
    if (old.state !== "streaming" && old.state !== "paused") return;
    const sentThrough = old.audioSentThrough;
    const next = this.createSession(false);
    this.current = next;
    this.sessions++;
    this.info.get(next)!.number = this.sessions;
    this.retiring.add(old);
    const plan = planRotation(sentThrough, this.timeline, this.log, this.received);
    if (plan.header) next.sendAudio(plan.header, null);
    for (const c of plan.replay) next.sendAudio(c.data, c.offset);
    if (plan.begins) this.timeline?.begin(this.sessions, plan.offsetMs);
    if (old.isPaused) next.pause();
    this.pendingRestart = { session: this.sessions, reason: "rotation", offset_ms: plan.offsetMs, skipped_ms: 0 };
    next.start();
    old.end();
  }

  private warn([message, i18n]: StreamWarning): void {
    this.emit("warning", message, i18n);
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
    this.phase = "closed";
    this.clearTimers();
    this.flushHeld();
    this.log.clear();
    this.meter?.destroy();
    this.emit("state", info.reason);
    this.emit("closed", info);
  }

  private clearTimers(): void {
    if (this.reconnectTimer !== null) this.opts.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.idle.stop();
    this.rotation.stop();
  }
}
