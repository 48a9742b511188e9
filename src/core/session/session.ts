import { EventEmitter } from "events";
import { AssumedRateMeter, type AudioMeter } from "../audio";
import type { Clock } from "../clock";
import { SonioxError, type MessageKey } from "../errors";
import { safeKey, safeText, secretReach } from "../redact";
import { WarningLimiter } from "./warning-limiter";
import {
  END_OF_STREAM_FRAME,
  KEEPALIVE_FRAME,
  FRAME_EXCERPT_CHARS,
  FIN_TOKEN,
  finalizeFrame,
  invalidFrameWarning,
  parseServerFrame,
  type SonioxResult,
} from "./protocol";
import { SendQueue, type QueueItem } from "./send-queue";
import type { StartMessage } from "./start-message";
import { DEFAULT_STREAM_SETTINGS } from "./stream-defaults";
import type { AuthMethod, Transport, TransportFactory } from "./transport";

export type SessionState =
  | "idle"
  | "connecting"
  | "streaming"
  | "paused"
  | "finishing"
  | "finished"
  | "canceled"
  | "failed";

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

export interface SessionEvents {
  state: [state: SessionState, previous: SessionState];
  open: [];
  result: [result: SonioxResult];
  warning: [message: string, i18n?: MessageKey];
  close: [info: SessionClose];
}

/** How every finalize frame begins (finalizeFrame), with or without trailing silence. */
const FINALIZE_PREFIX = finalizeFrame().slice(0, -1);

/** Soniox drops a stream after 20 s without audio or keepalive; this leaves room for a slow network. */
const MAX_KEEPALIVE_MS = 15000;
/** What a WebSocket subprotocol may contain (RFC 7230 tchar). */
const SUBPROTOCOL_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Pacing sends this far ahead of real time, in slices of at most this much audio. */
const PACE_LEAD_MS = 500;
const PACE_SLICE_MS = 120;
/** Socket send buffer above which audio waits in the (bounded) queue instead. */
const SOCKET_HIGH_WATER_BYTES = 1024 * 1024;
/** Until a meter is chosen (before the first audio), any rate will do: nothing is paced yet. */
const PLACEHOLDER_BYTES_PER_MS = 32;

/**
 * One Soniox real-time stream: connect, start message, ordered audio/control, keepalive,
 * pause, graceful end and cancel. The calls that send or change state (sendAudio, finalize,
 * keepalive, pause, resume, end, cancel) check the state first; useMeter, repace and backdate
 * only tune the send queue. End and cancel are idempotent; the `close` event fires exactly once.
 */
export class SonioxSession extends EventEmitter<SessionEvents> {
  private stateValue: SessionState = "idle";
  private transport: Transport | null = null;
  private readonly queue: SendQueue;
  private readonly clock: Clock;
  private readonly keepaliveMs: number;
  private connectTimer: unknown = null;
  private keepaliveTimer: unknown = null;
  private finishTimer: unknown = null;
  private lastActivityAt = 0;
  private closedInfo: SessionClose | null = null;
  private warnedApproximate = false;
  private warnedDrop = false;
  readonly stats: SessionStats = {
    audioBytesIn: 0,
    audioBytesSent: 0,
    audioMsSent: 0,
    droppedBytes: 0,
    pausedBytes: 0,
    keepalivesSent: 0,
    responses: 0,
    backpressureWaits: 0,
  };
  private paused = false;
  private started = false;
  private sentThrough: number | null = null;
  private unansweredFinalizes = 0;
  private warnedBackpressure = false;
  private readonly serverWarnings: WarningLimiter;

  constructor(private readonly opts: SessionOptions) {
    super();
    this.clock = opts.clock;
    this.serverWarnings = new WarningLimiter(opts.clock, (text, i18n) => this.emit("warning", safeText(text, [opts.apiKey]), safeKey(i18n, [opts.apiKey])));
    this.keepaliveMs = Math.min(opts.keepaliveIntervalMs ?? DEFAULT_STREAM_SETTINGS.keepaliveIntervalMs, MAX_KEEPALIVE_MS);
    this.queue = new SendQueue(
      {
        clock: opts.clock,
        pacing: opts.pacing ?? true,
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
    if (this.paused && (this.stateValue === "connecting" || this.stateValue === "streaming" || this.stateValue === "idle")) {
      return "paused";
    }
    return this.stateValue;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isClosed(): boolean {
    return this.closedInfo !== null;
  }

  get queuedBytes(): number {
    return this.queue.queuedBytes;
  }

  /** Chooses how audio time is measured (see SendQueue.useMeter); only before the first audio. */
  useMeter(meter: AudioMeter): void {
    this.queue.useMeter(meter);
  }

  /** Lets the pacer look again, e.g. after a container meter learned the real byte rate. */
  repace(): void {
    this.queue.poke();
  }

  start(): void {
    if (this.started || this.isClosed) return;
    this.started = true;
    if (this.stateValue === "idle") this.setState("connecting");
    if (this.opts.authMethod === "subprotocol" && !SUBPROTOCOL_TOKEN.test(this.opts.apiKey)) {
      // Retrying cannot help: the key itself can never be a subprotocol (RFC 7230 token).
      this.fail(
        new SonioxError(
          "invalid_config",
          'This API key cannot be sent as a WebSocket subprotocol: it has characters a subprotocol may not contain (temporary "temp:" keys have a colon). ' +
            'Set the Soniox config node\'s authentication to "Authorization header".',
          { key: "session.subprotocol-key" },
        ),
      );
      return;
    }
    this.connectTimer = this.clock.setTimeout(() => {
      this.connectTimer = null;
      this.fail(new SonioxError("connect_timeout", `Could not connect to Soniox within ${this.connectTimeoutMs()} ms`, { key: "session.connect-timeout", params: { ms: this.connectTimeoutMs() } }));
    }, this.connectTimeoutMs());
    try {
      this.transport = this.opts.transport(
        {
          url: this.opts.url,
          apiKey: this.opts.apiKey,
          authMethod: this.opts.authMethod ?? "header",
          handshakeTimeoutMs: this.connectTimeoutMs(),
          heartbeatIntervalMs: this.opts.heartbeatIntervalMs ?? DEFAULT_STREAM_SETTINGS.heartbeatIntervalMs,
          heartbeatTimeoutMs: this.opts.heartbeatTimeoutMs ?? DEFAULT_STREAM_SETTINGS.heartbeatTimeoutMs,
        },
        {
          open: () => this.guarded(() => this.onOpen()),
          message: (data, isBinary) => this.guarded(() => this.onMessage(data, isBinary)),
          close: (code, reason) => this.guarded(() => this.onTransportClose(code, reason)),
          error: (err, status, i18n) => this.guarded(() => this.onTransportError(err, status, i18n)),
        },
      );
    } catch (err) {
      this.fail(new SonioxError("connection_failed", `Could not open a connection to Soniox: ${(err as Error).message}`, { key: "session.connect-failed", params: { detail: (err as Error).message } }));
    }
  }

  /**
   * Queues audio; starts the session if it is idle. Returns false when the session takes no more
   * audio (finishing or closed). While paused, audio is dropped on purpose (counted in
   * stats.pausedBytes) and true is returned: the caller did nothing wrong.
   * `at` is the audio's position in the stream (null for a re-sent header) when a stream owns
   * positions and meter; without it the session numbers bytes itself.
   */
  sendAudio(chunk: Uint8Array, at?: number | null): boolean {
    if (chunk.length === 0) return true;
    if (this.stateValue !== "idle" && this.stateValue !== "connecting" && this.stateValue !== "streaming") return false;
    if (this.paused) {
      this.stats.pausedBytes += chunk.length;
      return true;
    }
    if (this.stateValue === "idle" && !this.opts.deferStart) this.start();
    if (this.isClosed) return false;
    this.stats.audioBytesIn += chunk.length;
    this.queue.pushAudio(chunk, at);
    return true;
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
   * A session not started yet is marked paused (it opens when started, then waits); audio already
   * queued in it (a replay after a reconnect) still goes out and is finalized first.
   */
  pause(): void {
    if (this.paused) return;
    this.requireLive("pause");
    const before = this.state;
    if (this.stateValue !== "idle" || this.queue.hasAudio) this.queue.pushText(finalizeFrame());
    this.paused = true;
    this.emit("state", this.state, before);
  }

  resume(): void {
    if (!this.paused || this.isClosed) return;
    const before = this.state;
    this.paused = false;
    this.emit("state", this.state, before);
  }

  /** Graceful end: queued audio goes out, then end-of-stream, then wait for `finished`. */
  end(): void {
    switch (this.stateValue) {
      case "idle":
        if (!this.queue.hasAudio && this.queue.pending === 0) {
          this.finish({ reason: "finished" });
          return;
        }
        if (!this.opts.deferStart) this.start();
        this.setState("finishing");
        this.queue.pushText(END_OF_STREAM_FRAME, () => this.armFinishTimer());
        return;
      case "connecting":
      case "streaming":
        this.setState("finishing");
        this.queue.pushText(END_OF_STREAM_FRAME, () => this.armFinishTimer());
        return;
      default:
        return;
    }
  }

  /** Immediate stop; nothing more is sent or emitted except `close`. */
  cancel(): void {
    if (this.isClosed) return;
    this.finish({ reason: "canceled" });
  }

  /** After this session failed: how far Soniox got and what never went out. */
  handover(): Handover {
    const unsent = this.unsentItems.filter((i) => !(i.kind === "text" && i.text === KEEPALIVE_FRAME));
    return { sentThrough: this.sentThrough, unsent, unansweredFinalizes: this.unansweredFinalizes };
  }

  /** Stream position just past the last audio byte sent, or null when none was. */
  get audioSentThrough(): number | null {
    return this.sentThrough;
  }

  /** Counts `ms` of queued audio as already due (see SendQueue.backdate). */
  backdate(ms: number): void {
    this.queue.backdate(ms);
  }

  private unsentItems: QueueItem[] = [];

  private connectTimeoutMs(): number {
    return this.opts.connectTimeoutMs ?? DEFAULT_STREAM_SETTINGS.connectTimeoutMs;
  }

  private requireLive(action: string): void {
    if (this.isClosed || this.stateValue === "finishing") {
      throw new SonioxError("invalid_state", `Cannot ${action}: the stream is ${this.stateValue}`, { key: "session.not-live", params: { action, state: this.stateValue } });
    }
  }

  private onOpen(): void {
    if (this.isClosed || !this.transport) return;
    this.clearTimer("connectTimer");
    this.transport.send(JSON.stringify(this.opts.start));
    this.lastActivityAt = this.clock.now();
    if (this.stateValue === "connecting") this.setState("streaming");
    // Guarded here, not only around the socket's handler: the queue must open whatever a listener throws.
    this.guarded(() => this.emit("open"));
    this.queue.open();
    this.scheduleKeepalive();
  }

  private onMessage(data: string, isBinary: boolean): void {
    if (this.isClosed) return;
    if (isBinary) {
      this.serverWarnings.warn("binary", { text: "Soniox sent a binary frame; ignored (results are JSON text)", i18n: { key: "session.binary-frame" } });
      return;
    }
    const frame = parseServerFrame(data);
    if (frame.kind === "invalid") {
      // Redacted before it is cut, with room for a key that starts just before the cut.
      const secrets = [this.opts.apiKey];
      const excerpt = safeText(data.slice(0, FRAME_EXCERPT_CHARS + secretReach(this.opts.apiKey)), secrets).slice(0, FRAME_EXCERPT_CHARS);
      this.serverWarnings.warn("invalid", invalidFrameWarning(frame.problem, excerpt));
      return;
    }
    if (frame.kind === "error") {
      this.fail(new SonioxError(frame.error.error_code, `Soniox error ${frame.error.error_code}: ${frame.error.error_message}`, { key: "session.soniox-error", params: { code: frame.error.error_code, message: frame.error.error_message } }));
      return;
    }
    this.stats.responses++;
    for (const token of frame.result.tokens) if (token.text === FIN_TOKEN && this.unansweredFinalizes > 0) this.unansweredFinalizes--;
    if (frame.untimed > 0) {
      this.serverWarnings.warn("untimed", {
        text: `Soniox sent ${frame.untimed} token(s) whose start_ms/end_ms is not a finite number; they are passed on without times`,
        i18n: { key: "session.token-times-unreadable", params: { count: frame.untimed } },
      });
    }
    // Guarded on its own: a response that could not be delivered must not keep `finished` from ending the session.
    this.guarded(() => this.emit("result", frame.result));
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
      const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.serverWarnings.warn("delivery", {
        text: `Passing on what Soniox sent failed (${detail}); it was dropped and the stream goes on`,
        i18n: { key: "session.delivery-failed", params: { detail } },
      });
    }
  }

  private onTransportClose(code: number, reason: string): void {
    if (this.isClosed) return;
    const detail = reason ? `${code} ${reason}` : `${code}`;
    this.fail(new SonioxError("connection_closed", `Connection to Soniox closed before the stream finished (${detail})`, { key: "session.closed-early", params: { detail } }));
  }

  private onTransportError(err: Error, status?: number, i18n?: MessageKey): void {
    if (this.isClosed) return;
    this.fail(new SonioxError(status ?? "connection_failed", err.message, i18n));
  }

  private socketHasRoom(): boolean {
    const buffered = this.transport?.bufferedAmount ?? 0;
    if (buffered <= SOCKET_HIGH_WATER_BYTES) return true;
    this.stats.backpressureWaits++;
    if (!this.warnedBackpressure) {
      this.warnedBackpressure = true;
      this.emit("warning", `The connection to Soniox cannot keep up (${buffered} bytes waiting in the socket); audio is held in the bounded queue`, {
        key: "session.backpressure",
        params: { bytes: buffered },
      });
    }
    return false;
  }

  private sendAudioFrame(chunk: Uint8Array, ms: number, at: number | null): void {
    this.transport?.send(chunk);
    if (at !== null) this.sentThrough = at + chunk.length;
    this.stats.audioBytesSent += chunk.length;
    this.stats.audioMsSent += ms;
    this.lastActivityAt = this.clock.now();
    if (!this.warnedApproximate && this.queueMeterApproximate()) {
      this.warnedApproximate = true;
      this.emit("warning", "Pacing is approximate: the duration of this compressed audio is not known (yet); it is measured with ffmpeg when installed, and \"convert to PCM\" paces exactly", { key: "session.pacing-approximate" });
    }
  }

  private queueMeterApproximate(): boolean {
    return (this.opts.pacing ?? true) && this.queue.meterApproximate;
  }

  private noteKeepalive(): void {
    this.stats.keepalivesSent++;
    this.lastActivityAt = this.clock.now();
  }

  private noteDrop(bytes: number): void {
    this.stats.droppedBytes += bytes;
    if (!this.warnedDrop) {
      this.warnedDrop = true;
      this.emit("warning", `Audio queue full: dropped the oldest ${bytes} bytes of audio (dropped bytes are counted in stats). Raise the queue bound or feed audio closer to real time.`, {
        key: "session.queue-full",
        params: { bytes },
      });
    }
  }

  /** One timer per session, re-armed from the last activity: no timer work per audio chunk. */
  private scheduleKeepalive(): void {
    this.keepaliveTimer = this.clock.setTimeout(() => {
      this.keepaliveTimer = null;
      if (this.isClosed || this.finishTimer !== null) return;
      const idle = this.clock.now() - this.lastActivityAt;
      if (idle >= this.keepaliveMs && this.queue.pending === 0) {
        this.transport?.send(KEEPALIVE_FRAME);
        this.noteKeepalive();
      }
      this.scheduleKeepalive();
    }, Math.max(1, this.keepaliveMs - (this.clock.now() - this.lastActivityAt)));
  }

  /** The end-of-stream frame is out: the protocol allows nothing after it, so keepalives stop too. */
  private armFinishTimer(): void {
    this.clearTimer("keepaliveTimer");
    const ms = this.opts.finishTimeoutMs ?? DEFAULT_STREAM_SETTINGS.finishTimeoutMs;
    this.finishTimer = this.clock.setTimeout(() => {
      this.finishTimer = null;
      this.fail(new SonioxError("finish_timeout", `Soniox did not confirm the end of the stream within ${ms} ms`, { key: "session.finish-timeout", params: { ms } }));
    }, ms);
  }

  /** Every failure passes here, so a server echoing the key or a huge error text is caught once. */
  private fail(error: SonioxError): void {
    const secrets = [this.opts.apiKey];
    const i18n = error.key ? safeKey({ key: error.key, params: error.params, parts: error.parts }, secrets) : undefined;
    this.finish({ reason: "failed", error: new SonioxError(error.code, safeText(error.message, secrets), i18n) });
  }

  private finish(info: SessionClose): void {
    if (this.closedInfo) return;
    this.closedInfo = info;
    this.clearTimer("connectTimer");
    this.clearTimer("keepaliveTimer");
    this.clearTimer("finishTimer");
    if (info.reason === "failed") this.unsentItems = this.queue.takeUnsent();
    this.serverWarnings.flush();
    this.queue.close();
    const transport = this.transport;
    this.transport = null;
    if (transport) {
      if (info.reason === "finished") transport.close(1000);
      else transport.terminate();
    }
    this.setState(info.reason);
    this.emit("close", info);
  }

  private clearTimer(name: "connectTimer" | "keepaliveTimer" | "finishTimer"): void {
    const handle = this[name];
    if (handle !== null) this.clock.clearTimeout(handle);
    this[name] = null;
  }

  private setState(state: SessionState): void {
    const previous = this.state;
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit("state", this.state, previous);
  }
}
