import { EventEmitter } from "events";
import { AssumedRateMeter, type AudioMeter } from "../audio";
import { SonioxError, type KeyedText } from "../errors";
import { safeKey, safeText } from "../redact";
import { connectRequest } from "./connect-request";
import { Deadline } from "./deadline";
import { KeepaliveTimer } from "./keepalive-timer";
import { END_OF_STREAM_FRAME, KEEPALIVE_FRAME, FIN_TOKEN, finalizeFrame, parseServerFrame } from "./protocol";
import { SendQueue, type QueueItem } from "./send-queue";
import { DEFAULT_STREAM_SETTINGS } from "./stream-defaults";
import * as says from "./session-messages";
import { checkMove, isClosedState, isLive, refusal, unpaused, type Link, type SessionState } from "./session-state";
import { emptyStats, type Handover, type SessionClose, type SessionEvents, type SessionOptions, type SessionStats } from "./session-types";
import type { Transport } from "./transport";
import { WarningLimiter } from "./warning-limiter";

/** How every finalize frame begins (finalizeFrame), with or without trailing silence. */
const FINALIZE_PREFIX = finalizeFrame().slice(0, -1);

/** Pacing sends this far ahead of real time, in slices of at most this much audio. */
const PACE_LEAD_MS = 500;
const PACE_SLICE_MS = 120;
/** Socket send buffer above which audio waits in the (bounded) queue instead. */
const SOCKET_HIGH_WATER_BYTES = 1024 * 1024;
/** Until a meter is chosen (before the first audio), any rate will do: nothing is paced yet. */
const PLACEHOLDER_BYTES_PER_MS = 32;

/**
 * One Soniox real-time stream: connect, start message, ordered audio/control, keepalive, pause,
 * graceful end and cancel. Its state is one SessionState, changed only by moveTo.
 *
 * Every call fails one way: what the state does not allow throws a SonioxError "invalid_state"
 * naming the call and the state. sendAudio, finalize, keepalive, sendText and pause need a live
 * state (idle, connecting, streaming or paused), start one that is not closed; useMeter and
 * backdate belong before the first audio. A call whose effect already holds does nothing: start
 * once started, pause while paused, resume while not paused, end once finishing or closed, cancel
 * once closed. The connection's own failures are never thrown: they close the session, and
 * `close` (fired exactly once) says why.
 */
export class SonioxSession extends EventEmitter<SessionEvents> {
  private stateValue: SessionState = "idle";
  private transport: Transport | null = null;
  private readonly queue: SendQueue;
  private readonly keepalives: KeepaliveTimer;
  private readonly connectDeadline: Deadline;
  private readonly finishDeadline: Deadline;
  /** Warnings said once per session, by kind. */
  private readonly warned = new Set<string>();
  readonly stats: SessionStats = emptyStats();
  private sentThrough: number | null = null;
  private unansweredFinalizes = 0;
  /** For the handover: audio was paused when the session stopped taking it. */
  private endedPaused = false;
  private unsentItems: QueueItem[] = [];
  private readonly serverWarnings: WarningLimiter;

  constructor(private readonly opts: SessionOptions) {
    super();
    this.connectDeadline = new Deadline(opts.clock);
    this.finishDeadline = new Deadline(opts.clock);
    this.serverWarnings = new WarningLimiter(opts.clock, (text, i18n) => this.emit("warning", safeText(text, [opts.apiKey]), safeKey(i18n, [opts.apiKey])));
    this.keepalives = new KeepaliveTimer(opts.clock, opts.keepaliveIntervalMs ?? DEFAULT_STREAM_SETTINGS.keepaliveIntervalMs, () => {
      // Audio or a command waiting to go out will keep the stream alive itself.
      if (this.queue.pending > 0) return;
      this.transport?.send(KEEPALIVE_FRAME);
      this.noteKeepalive();
    });
    this.queue = new SendQueue(
      {
        clock: opts.clock,
        pacing: opts.pacing ?? DEFAULT_STREAM_SETTINGS.pacing,
        leadMs: PACE_LEAD_MS,
        sliceMs: PACE_SLICE_MS,
        catchUpMs: opts.paceCatchUpMs,
        maxQueuedBytes: opts.maxQueuedBytes ?? DEFAULT_STREAM_SETTINGS.maxQueuedBytes,
        sendAudio: (chunk, ms, _startMs, at) => this.sendAudioFrame(chunk, ms, at),
        sendText: (text) => {
          this.transport?.send(text);
          if (text.startsWith(FINALIZE_PREFIX)) this.unansweredFinalizes++;
        },
        canSend: () => this.socketHasRoom(),
        onDrop: (bytes) => this.noteDrop(bytes),
      },
      opts.meter ?? new AssumedRateMeter(PLACEHOLDER_BYTES_PER_MS),
    );
  }

  get state(): SessionState {
    return this.stateValue;
  }

  get isPaused(): boolean {
    return this.stateValue === "paused";
  }

  get isClosed(): boolean {
    return isClosedState(this.stateValue);
  }

  /** The session still takes audio and commands (idle, connecting, streaming or paused). */
  get isLive(): boolean {
    return isLive(this.stateValue);
  }

  get queuedBytes(): number {
    return this.queue.queuedBytes;
  }

  /** Chooses how audio time is measured (see SendQueue.useMeter); only before the first audio. */
  useMeter(meter: AudioMeter): void {
    this.requireNoAudio("choose the audio meter");
    this.queue.useMeter(meter);
  }

  /** Lets the pacer look again, e.g. after a container meter learned the real byte rate. */
  repace(): void {
    this.queue.poke();
  }

  /** Connects; later calls do nothing, and a closed session refuses. */
  start(): void {
    if (this.isClosed) throw refusal("start", this.stateValue);
    if (this.transport !== null) return;
    if (this.stateValue === "idle") this.moveTo("connecting");
    const request = connectRequest(this.opts);
    if (request instanceof SonioxError) return this.fail(request);
    const ms = request.handshakeTimeoutMs;
    this.connectDeadline.arm(ms, () => this.fail(says.connectTimeoutError(ms)));
    try {
      this.transport = this.opts.transport(request, {
        open: () => this.guarded(() => this.onOpen()),
        // Per response, so without a closure per call: the same guard as guarded(), written out.
        message: (data, isBinary) => {
          try {
            this.onMessage(data, isBinary);
          } catch (err) {
            this.deliveryFailed(err);
          }
        },
        // A close or error after the session closed changes nothing: finish happens once.
        close: (code, reason) => this.guarded(() => this.fail(says.closedEarlyError(code, reason))),
        error: (err, status, i18n) => this.guarded(() => this.fail(new SonioxError(status ?? "connection_failed", err.message, i18n))),
      });
    } catch (err) {
      this.fail(says.connectFailedError(err));
    }
  }

  /**
   * Queues audio, starting an idle session (unless its start is deferred). While paused, audio is
   * dropped on purpose and counted in stats.pausedBytes: that is what pause means, not a refusal.
   * `at` is the audio's position in the stream (null for a re-sent header) when a stream owns
   * positions and meter; without it the session numbers bytes itself.
   */
  sendAudio(chunk: Uint8Array, at?: number | null): void {
    this.requireLive("send audio");
    if (chunk.length === 0) return;
    if (this.stateValue === "paused") {
      this.stats.pausedBytes += chunk.length;
      return;
    }
    if (this.stateValue === "idle" && !this.opts.deferStart) this.start();
    // A start that failed at once closed the session, and `close` said why.
    if (this.isClosed) return;
    this.stats.audioBytesIn += chunk.length;
    this.queue.pushAudio(chunk, at);
  }

  finalize(trailingSilenceMs?: number): void {
    this.requireLive("finalize");
    this.queue.pushText(finalizeFrame(trailingSilenceMs));
  }

  /** Queues a control frame as-is (moved over from a failed session). */
  sendText(text: string): void {
    this.requireLive("send a command");
    this.queue.pushText(text);
  }

  keepalive(): void {
    this.requireLive("keepalive");
    this.queue.pushText(KEEPALIVE_FRAME, () => this.noteKeepalive());
  }

  /**
   * Finalizes what was said, then drops incoming audio while keepalives hold the stream open.
   * A session not started yet pauses too (it opens when started, then waits); audio already
   * queued in it (a replay after a reconnect) still goes out and is finalized first.
   */
  pause(): void {
    if (this.stateValue === "paused") return;
    this.requireLive("pause");
    // Nothing to finalize in a session that neither connects nor holds audio.
    if (this.link() !== "none" || this.queue.hasAudio) this.queue.pushText(finalizeFrame());
    this.moveTo("paused");
  }

  resume(): void {
    if (this.stateValue === "paused") this.moveTo(unpaused(this.link()));
  }

  /** Graceful end: queued audio goes out, then end-of-stream, then wait for `finished`. */
  end(): void {
    if (!isLive(this.stateValue)) return;
    if (this.transport === null) {
      if (!this.queue.hasAudio && this.queue.pending === 0) return this.finish({ reason: "finished" });
      if (!this.opts.deferStart) this.start();
      if (this.isClosed) return;
    }
    this.moveTo("finishing");
    this.queue.pushText(END_OF_STREAM_FRAME, () => this.armFinishTimer());
  }

  /** Immediate stop; nothing more is sent or emitted except `close`. */
  cancel(): void {
    if (this.isClosed) return;
    this.finish({ reason: "canceled" });
  }

  /** After this session failed: how far Soniox got and what never went out. */
  handover(): Handover {
    const unsent = this.unsentItems.filter((i) => !(i.kind === "text" && i.text === KEEPALIVE_FRAME));
    return { sentThrough: this.sentThrough, unsent, unansweredFinalizes: this.unansweredFinalizes, paused: this.endedPaused };
  }

  /** Stream position just past the last audio byte sent, or null when none was. */
  get audioSentThrough(): number | null {
    return this.sentThrough;
  }

  /** Counts `ms` of audio as already due (see SendQueue.backdate); only before the first audio. */
  backdate(ms: number): void {
    this.requireNoAudio("backdate the audio");
    this.queue.backdate(ms);
  }

  private requireLive(action: string): void {
    if (!isLive(this.stateValue)) throw refusal(action, this.stateValue);
  }

  private requireNoAudio(action: string): void {
    if (this.queue.hasAudio) throw new SonioxError("invalid_state", `Cannot ${action}: audio is already queued`);
  }

  /** How far the connection got. */
  private link(): Link {
    if (this.transport === null) return "none";
    return this.queue.isOpen ? "open" : "opening";
  }

  private onOpen(): void {
    if (this.isClosed || !this.transport) return;
    this.connectDeadline.clear();
    this.transport.send(JSON.stringify(this.opts.start));
    if (this.stateValue === "connecting") this.moveTo("streaming");
    // Guarded here, not only around the socket's handler: the queue must open whatever a listener throws.
    this.guarded(() => this.emit("open"));
    this.queue.open();
    this.keepalives.start();
  }

  private onMessage(data: string, isBinary: boolean): void {
    if (this.isClosed) return;
    if (isBinary) return this.serverWarnings.warn("binary", says.BINARY_FRAME);
    const frame = parseServerFrame(data);
    if (frame.kind === "invalid") return this.serverWarnings.warn("invalid", says.invalidFrameNotice(frame.problem, data, this.opts.apiKey));
    if (frame.kind === "error") return this.fail(says.sonioxErrorFrame(frame.error.error_code, frame.error.error_message));
    this.stats.responses++;
    for (const token of frame.result.tokens) if (token.text === FIN_TOKEN && this.unansweredFinalizes > 0) this.unansweredFinalizes--;
    if (frame.untimed > 0) this.serverWarnings.warn("untimed", says.untimedTokensWarning(frame.untimed));
    // Guarded on its own: a response that could not be delivered must not keep `finished` from ending the session.
    try {
      this.emit("result", frame.result);
    } catch (err) {
      this.deliveryFailed(err);
    }
    if (frame.result.finished) this.finish({ reason: "finished" });
  }

  /**
   * Runs what a socket event sets off. Listeners end in node.send and node.error, which deep-copy
   * the message (for every extra wire, for Catch nodes); whatever they throw would otherwise reach
   * the socket's event handler, where nothing catches it and the process ends. What failed is
   * dropped, said once per session (then counted), and the stream goes on.
   */
  private guarded(run: () => void): void {
    try {
      run();
    } catch (err) {
      this.deliveryFailed(err);
    }
  }

  private deliveryFailed(err: unknown): void {
    this.serverWarnings.warn("delivery", says.deliveryFailedWarning(err));
  }

  private socketHasRoom(): boolean {
    const buffered = this.transport?.bufferedAmount ?? 0;
    if (buffered <= SOCKET_HIGH_WATER_BYTES) return true;
    this.stats.backpressureWaits++;
    if (!this.warned.has("backpressure")) this.sayOnce("backpressure", says.backpressureWarning(buffered));
    return false;
  }

  private sendAudioFrame(chunk: Uint8Array, ms: number, at: number | null): void {
    this.transport?.send(chunk);
    if (at !== null) this.sentThrough = at + chunk.length;
    this.stats.audioBytesSent += chunk.length;
    this.stats.audioMsSent += ms;
    this.keepalives.touch();
    if (!this.warned.has("approximate") && this.queueMeterApproximate()) this.sayOnce("approximate", says.PACING_APPROXIMATE);
  }

  private queueMeterApproximate(): boolean {
    return (this.opts.pacing ?? DEFAULT_STREAM_SETTINGS.pacing) && this.queue.meterApproximate;
  }

  private noteKeepalive(): void {
    this.stats.keepalivesSent++;
    this.keepalives.touch();
  }

  private noteDrop(bytes: number): void {
    this.stats.droppedBytes += bytes;
    if (!this.warned.has("drop")) this.sayOnce("drop", says.queueFullWarning(bytes));
  }

  /** The end-of-stream frame is out: the protocol allows nothing after it, so keepalives stop too. */
  private armFinishTimer(): void {
    this.keepalives.stop();
    const ms = this.opts.finishTimeoutMs ?? DEFAULT_STREAM_SETTINGS.finishTimeoutMs;
    this.finishDeadline.arm(ms, () => this.fail(says.finishTimeoutError(ms)));
  }

  private sayOnce(kind: string, { text, i18n }: KeyedText): void {
    this.warned.add(kind);
    this.emit("warning", text, i18n);
  }

  /** Every failure passes here, so a server echoing the key or a huge error text is caught once. */
  private fail(error: SonioxError): void {
    const secrets = [this.opts.apiKey];
    const i18n = error.key ? safeKey({ key: error.key, params: error.params, parts: error.parts }, secrets) : undefined;
    this.finish({ reason: "failed", error: new SonioxError(error.code, safeText(error.message, secrets), i18n) });
  }

  private finish(info: SessionClose): void {
    if (this.isClosed) return;
    // First, so that whatever the steps below set off finds the session closed.
    this.moveTo(info.reason);
    this.connectDeadline.clear();
    this.keepalives.stop();
    this.finishDeadline.clear();
    if (info.reason === "failed") this.unsentItems = this.queue.takeUnsent();
    this.serverWarnings.flush();
    this.queue.close();
    const transport = this.transport;
    this.transport = null;
    if (transport) {
      if (info.reason === "finished") transport.close(1000);
      else transport.terminate();
    }
    this.emit("close", info);
  }

  /** Every change of state passes here. */
  private moveTo(next: SessionState): void {
    const previous = this.stateValue;
    if (previous === next) return;
    checkMove(previous, next);
    if (isLive(previous) && !isLive(next)) this.endedPaused = previous === "paused";
    this.stateValue = next;
    this.emit("state", next, previous);
  }
}
