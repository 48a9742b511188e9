/**
 * One simulated Soniox session on one WebSocket: start message, audio, control frames, results,
 * timeouts and injected faults, with a full record of what went in and out for test assertions.
 */
import { EventEmitter } from "node:events";
import WebSocket from "ws";
import { FIN_TOKEN } from "../core/session";
import { createAudioMeter, type AudioMeter, type AudioPiece } from "./audio-meter";
import { authenticateStartMessage, type AuthMethod, type UpgradeAuth } from "./auth";
import { DOCUMENTED, INVENTED, defaultErrorText } from "./messages";
import type { FaultSpec, ResolvedOptions } from "./options";
import { Recogniser } from "./recogniser";
import { RecordedSession } from "./recorded-session";
import { TimedRecogniser } from "./timed-recogniser";
import { parseScript } from "./script";
import { validateStart, type StartConfig } from "./start-validation";
import type { TempKey, TempKeyStore } from "./temp-keys";
import { TimerSet } from "./timer-set";

export interface FrameRecord {
  dir: "in" | "out";
  type: "text" | "binary";
  /** Date.now() when the frame was received or sent. */
  at: number;
  bytes: number;
  /** Text frames only; binary payloads are not kept here (see receivedAudio()). */
  text?: string;
}

/** What tests can observe about one accepted connection. Events: "frame", "message" (sent JSON), "close". */
export interface SimConnection extends EventEmitter {
  readonly index: number;
  readonly authMethod: AuthMethod | null;
  readonly startMessage: Record<string, unknown> | null;
  readonly audioBytes: number;
  readonly audioChunks: number;
  /** Audio time received, per the declared format (containers: as decoded by ffmpeg, or containerBytesPerMs when set). */
  readonly audioMs: number;
  readonly emptyBinaryFrames: number;
  /** Parsed text control frames in arrival order (keepalive, finalize, and invalid ones). */
  readonly controlMessages: Array<Record<string, unknown>>;
  readonly frames: FrameRecord[];
  readonly sentMessages: Array<Record<string, unknown>>;
  /** Largest (audio ms received − wall ms since the first audio byte): how far the client ran ahead of real time. */
  readonly maxLeadMs: number;
  /**
   * Largest (wall ms since the first audio byte − audio ms received before a frame): how late a
   * frame came compared with a sender that keeps real time from its first frame on.
   */
  readonly maxLagMs: number;
  /** `clock` reading (options.clock) when the first audio frame arrived; null before. */
  readonly firstAudioAt: number | null;
  /** `clock` reading when the latest audio frame arrived; null before the first. */
  readonly lastAudioAt: number | null;
  /** Result and error frames sent (counted even when frames are not recorded). */
  readonly messagesSent: number;
  readonly finished: boolean;
  readonly closed: boolean;
  readonly closeCode: number | null;
  readonly error: { error_code: number; error_message: string } | null;
  /** All binary audio received, concatenated (empty with `recordFrames: false`, as are frames and sentMessages). */
  receivedAudio(): Buffer;
}

/** "finishing": the client ended the stream and the meter is still measuring (decoding) what it sent. */
type Phase = "awaiting_start" | "streaming" | "finishing" | "ended";

export interface ConnectionContext {
  index: number;
  options: ResolvedOptions;
  auth: UpgradeAuth;
  tempKeys: TempKeyStore;
  /** The server refuses this connection for the concurrency cap. */
  overCapacity: boolean;
}

export class SimulatedConnection extends EventEmitter implements SimConnection {
  readonly index: number;
  authMethod: AuthMethod | null = null;
  startMessage: Record<string, unknown> | null = null;
  audioBytes = 0;
  audioChunks = 0;
  audioMs = 0;
  emptyBinaryFrames = 0;
  readonly controlMessages: Array<Record<string, unknown>> = [];
  readonly frames: FrameRecord[] = [];
  readonly sentMessages: Array<Record<string, unknown>> = [];
  maxLeadMs = 0;
  maxLagMs = 0;
  firstAudioAt: number | null = null;
  lastAudioAt: number | null = null;
  messagesSent = 0;
  finished = false;
  closed = false;
  closeCode: number | null = null;
  error: { error_code: number; error_message: string } | null = null;

  private readonly options: ResolvedOptions;
  private readonly timers = new TimerSet();
  private readonly audio: Buffer[] = [];
  private readonly faults: FaultSpec[];
  private phase: Phase = "awaiting_start";
  private silenced = false;
  private recogniser: Recogniser | TimedRecogniser | RecordedSession | null = null;
  private meter: AudioMeter | null = null;
  private lastResultAudioMs = 0;
  /** Finalize messages received so far; each picks the next `<fin>` delay. */
  private finalizes = 0;
  private pendingFins = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly context: ConnectionContext,
  ) {
    super();
    this.index = context.index;
    this.options = context.options;
    this.faults = this.options.faults.filter((f) => f.connection === undefined || f.connection === this.index);
    ws.on("message", (data: WebSocket.RawData, isBinary: boolean) => this.onFrame(toBuffer(data), isBinary));
    ws.on("close", (code: number) => this.onClose(code));
  }

  /** Called once the server has announced the connection, so listeners see every frame. */
  begin(): void {
    const { auth, overCapacity } = this.context;
    if (auth.kind === "rejected") return this.failWith(auth.code, auth.message);
    if (overCapacity) return this.failWith(429, DOCUMENTED.tooManyConcurrent);
    if (auth.kind === "accepted") this.useKey(auth.method, auth.tempKey);
    this.timers.set("start", this.options.startTimeoutMs, () => this.failWith(408, DOCUMENTED.startTimeout));
    this.faults.forEach((fault, i) => {
      if (fault.afterMs !== undefined) this.timers.set(`fault${i}`, fault.afterMs, () => this.fire(fault));
    });
  }

  receivedAudio(): Buffer {
    return Buffer.concat(this.audio);
  }

  /** Sends an error frame, then closes normally; Soniox closes right after every error. */
  failWith(code: number, message: string = defaultErrorText(code)): void {
    if (this.phase === "ended" || this.closed) return;
    this.phase = "ended";
    this.timers.clearAll();
    this.error = { error_code: code, error_message: message };
    this.send({ error_code: code, error_message: message, tokens: [] });
    if (!this.silenced) this.ws.close(1000);
  }

  /**
   * Pushes an arbitrary frame to the client, as is: a string goes as a text frame, a Buffer as a
   * binary frame. For fuzzing the client's frame handling; the session itself carries on. Returns
   * false when the socket can no longer send (closed, or silenced by stopResponding).
   */
  sendRaw(data: string | Buffer): boolean {
    if (this.silenced || this.ws.readyState !== WebSocket.OPEN) return false;
    const binary = typeof data !== "string";
    this.ws.send(data, { binary });
    const bytes = binary ? data.length : Buffer.byteLength(data);
    this.record({ dir: "out", type: binary ? "binary" : "text", at: Date.now(), bytes, text: binary ? undefined : data });
    return true;
  }

  /** Destroys the TCP socket without a close frame, like a dropped network. */
  abruptClose(): void {
    this.phase = "ended";
    this.timers.clearAll();
    this.ws.terminate();
  }

  /** Half-open socket: nothing is read, sent or answered (pings included) from now on. */
  stopResponding(): void {
    this.silenced = true;
    this.timers.clearAll();
    this.ws.pause();
  }

  /** A slow server: stops reading the socket for `ms` (TCP backpressure reaches the client). */
  pauseReading(ms: number): void {
    this.ws.pause();
    this.timers.set("resume-reading", ms, () => {
      if (!this.silenced) this.ws.resume();
    });
  }

  /** Stops timers and drops the socket; used when the whole simulator closes. */
  terminate(): void {
    this.meter?.close();
    this.timers.clearAll();
    this.ws.terminate();
  }

  private useKey(method: AuthMethod, tempKey: TempKey | null): void {
    this.authMethod = method;
    if (!tempKey) return;
    tempKey.uses++;
    if (tempKey.maxSessionDurationSeconds !== null) {
      // UNCONFIRMED: Soniox only says the connection "will be dropped"; a 408 frame lets clients reconnect.
      this.timers.set("session", tempKey.maxSessionDurationSeconds * 1000, () =>
        this.failWith(408, INVENTED.sessionDurationExceeded),
      );
    }
  }

  private record(frame: FrameRecord): void {
    if (!this.options.recordFrames) return;
    this.frames.push(frame);
    this.emit("frame", frame);
  }

  private send(message: Record<string, unknown>): void {
    if (this.silenced || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.options.stampSentTime) stampTokens(message, this.options.clock());
    const text = JSON.stringify(message);
    this.ws.send(text);
    this.messagesSent++;
    if (this.options.recordFrames) {
      this.record({ dir: "out", type: "text", at: Date.now(), bytes: Buffer.byteLength(text), text });
      this.sentMessages.push(message);
    }
    this.emit("message", message);
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    const text = isBinary ? undefined : data.toString("utf8");
    if (this.options.recordFrames) {
      this.record({ dir: "in", type: isBinary ? "binary" : "text", at: Date.now(), bytes: data.length, text });
    }
    if (this.silenced || this.phase === "ended" || this.phase === "finishing") return;
    if (this.phase === "awaiting_start") return this.onStartFrame(data, text);
    if (text === undefined) return data.length === 0 ? this.onEmptyBinary() : this.onAudio(data);
    if (text === "") return this.endStream();
    this.onControl(text);
  }

  private onStartFrame(data: Buffer, text: string | undefined): void {
    if (text === undefined) return this.failWith(400, DOCUMENTED.startNotText);
    const parsed = parseObject(text);
    if (!parsed) return this.failWith(400, DOCUMENTED.startMalformed);
    if (parsed.type === "keepalive") {
      // Pre-connected clients (Soniox's Python SDK) keep an idle socket alive before the start message.
      this.controlMessages.push(parsed);
      if (this.options.keepaliveBeforeStartCounts) {
        this.timers.set("start", this.options.startTimeoutMs, () => this.failWith(408, DOCUMENTED.startTimeout));
      }
      return;
    }
    this.startMessage = parsed;
    if (this.authMethod === null) {
      const check = authenticateStartMessage(parsed, this.options, this.context.tempKeys);
      if (!check.ok) return this.failWith(401, check.message);
      this.useKey("start_message", check.tempKey);
    }
    const result = validateStart(parsed, this.options);
    if (!result.ok) return this.failWith(result.code, result.message);
    this.startStreaming(parsed, result.config);
  }

  private startStreaming(start: Record<string, unknown>, config: StartConfig): void {
    const o = this.options;
    const fields = {
      speakerDiarization: config.speakerDiarization,
      languageIdentification: config.languageIdentification,
      translation: config.translation,
    };
    const timing = { finalLagMs: o.finalLagMs, finalBatchMs: o.finalBatchMs };
    if (o.recording) {
      this.recogniser = new RecordedSession(o.recording);
    } else if (o.timedScript) {
      this.recogniser = new TimedRecogniser(o.timedScript.words, { ...fields, ...timing });
    } else {
      const script = typeof o.script === "function" ? o.script(start, this.index) : o.script;
      this.recogniser = new Recogniser(parseScript(script, config.languageHints[0] ?? "en"), {
        ...fields,
        ...timing,
        wordMs: o.wordMs,
        endpointSilenceMs: config.endpointDetection ? (o.endpointSilenceMs ?? config.maxEndpointDelayMs ?? 500) : null,
      });
    }
    this.meter = createAudioMeter(config.audio, o, () => this.failWith(400, DOCUMENTED.audioDecodeError));
    this.phase = "streaming";
    this.timers.clear("start");
    if (o.ackStart) this.send({ tokens: [], final_audio_proc_ms: 0, total_audio_proc_ms: 0 });
    this.armFirstAudioTimeout();
    this.timers.set("length-cap", o.maxSessionMs, () => this.failWith(400, DOCUMENTED.audioTooLong));
  }

  private armFirstAudioTimeout(): void {
    this.timers.set("activity", this.options.firstAudioTimeoutMs, () =>
      this.failWith(408, DOCUMENTED.firstAudioTimeout),
    );
  }

  private armIdleTimeout(): void {
    this.timers.set("activity", this.options.keepaliveTimeoutMs, () => this.failWith(408, DOCUMENTED.requestTimeout));
  }

  private onEmptyBinary(): void {
    this.emptyBinaryFrames++;
    if (this.options.emptyBinaryEndsStream) this.endStream();
  }

  private onAudio(chunk: Buffer): void {
    const recogniser = this.recogniser;
    const meter = this.meter;
    if (!recogniser || !meter) return;
    const now = this.options.clock();
    this.firstAudioAt ??= now;
    this.lastAudioAt = now;
    this.maxLagMs = Math.max(this.maxLagMs, now - this.firstAudioAt - this.audioMs);
    if (this.options.recordFrames) this.audio.push(chunk);
    this.audioBytes += chunk.length;
    this.audioChunks++;
    // Measure before reading the time: a container meter only knows its rate once it saw the header.
    const pieces = meter.measure(chunk);
    this.audioMs = meter.msOf(this.audioBytes);
    const lead = this.audioMs - (now - this.firstAudioAt);
    this.maxLeadMs = Math.max(this.maxLeadMs, lead);
    this.armIdleTimeout();

    const { pacing } = this.options;
    if (pacing.enforce && lead > pacing.maxLeadMs) return this.failWith(400, DOCUMENTED.tooMuchAudio);
    if (pacing.tooSlow?.enforce && -lead > pacing.tooSlow.maxLagMs) return this.failWith(408, DOCUMENTED.inputTooSlow);

    this.hear(recogniser, pieces);
    if (recogniser.hasFinalOutput || this.audioMs - this.lastResultAudioMs >= this.options.responseEveryMs) {
      this.sendResult();
    }
    for (const fault of this.faults) {
      if (fault.afterAudioMs !== undefined && this.audioMs >= fault.afterAudioMs) {
        this.faults.splice(this.faults.indexOf(fault), 1);
        return this.fire(fault);
      }
    }
  }

  private hear(recogniser: Recogniser | TimedRecogniser | RecordedSession, pieces: AudioPiece[]): void {
    if (!(recogniser instanceof TimedRecogniser)) {
      for (const piece of pieces) recogniser.advance(piece.ms, piece.speech);
      return;
    }
    // Only once some audio was measured: before that the bytes may be a header alone, which is
    // found at the start of the file whatever audio follows it.
    if (!recogniser.located && this.audioMs > 0) {
      const at = this.options.timedScript?.locate(this.receivedAudio()) ?? null;
      if (at !== null) recogniser.locate(at);
    }
    for (const piece of pieces) recogniser.advance(piece.ms);
  }

  private onControl(text: string): void {
    const parsed = parseObject(text);
    if (!parsed) return this.failWith(400, DOCUMENTED.controlMalformed);
    this.controlMessages.push(parsed);
    if (parsed.type === "keepalive") {
      if (this.firstAudioAt !== null) this.armIdleTimeout();
      else if (this.options.firstAudioKeepaliveCounts) this.armFirstAudioTimeout();
    } else if (parsed.type === "finalize") {
      this.scheduleFin();
    } else {
      this.failWith(400, DOCUMENTED.controlInvalidType);
    }
  }

  /**
   * `<fin>` comes 350-500 ms after the finalize on the real service; audio keeps being heard
   * meanwhile. A fixed sequence across the range keeps runs repeatable.
   */
  private scheduleFin(): void {
    const [min, max] = this.options.finDelayMs;
    const n = this.finalizes++;
    const delay = min + ((n * 97) % (max - min + 1));
    // The finalize covers the audio sent before it, not what arrives while it is being answered.
    const uptoMs = this.recogniser?.audioMs ?? 0;
    const fin = (): void => {
      this.pendingFins--;
      this.recogniser?.finalizeAll(FIN_TOKEN, uptoMs);
      this.sendResult();
    };
    this.pendingFins++;
    if (delay === 0) return fin();
    this.timers.set(`fin${n}`, delay, fin);
  }

  private sendResult(): void {
    if (!this.recogniser) return;
    this.lastResultAudioMs = this.audioMs;
    this.send(this.recogniser.takeResult());
  }

  /**
   * End of stream (`""`): once the meter has measured all received audio (a decoder drains),
   * everything turns final, then `finished: true`, then close 1000.
   */
  private endStream(): void {
    const recogniser = this.recogniser;
    const meter = this.meter;
    if (!recogniser || !meter) return;
    if (this.audioBytes === 0 && this.options.noAudioError) return this.failWith(400, DOCUMENTED.noAudio);
    this.phase = "finishing";
    this.timers.clearAll();
    meter.finish((pieces) => {
      if (this.phase !== "finishing" || this.closed) return;
      this.phase = "ended";
      this.audioMs = meter.msOf(this.audioBytes);
      this.hear(recogniser, pieces);
      if (this.options.flushScriptOnEnd && recogniser instanceof Recogniser) recogniser.flushScript();
      if (recogniser instanceof RecordedSession) for (const result of recogniser.rest()) this.send(result);
      // A finalize still waiting for its `<fin>` gets it with the last finals.
      recogniser.finalizeAll(this.pendingFins > 0 ? FIN_TOKEN : null);
      const last = recogniser.takeResult();
      if (last.tokens.length > 0) this.send(last);
      const total = last.total_audio_proc_ms;
      this.finished = true;
      this.send({ tokens: [], final_audio_proc_ms: total, total_audio_proc_ms: total, finished: true });
      this.ws.close(1000);
    });
  }

  private fire(fault: FaultSpec): void {
    if (fault.action === "error") this.failWith(fault.code ?? 503, fault.message ?? defaultErrorText(fault.code ?? 503));
    else if (fault.action === "abrupt-close") this.abruptClose();
    else this.stopResponding();
  }

  private onClose(code: number): void {
    this.meter?.close();
    this.closed = true;
    this.closeCode = code;
    this.phase = "ended";
    this.timers.clearAll();
    this.emit("close", code);
  }
}

/** Bench stamp: every token carries the send time, so whichever tokens a client keeps can be timed. */
function stampTokens(message: Record<string, unknown>, sentAt: number): void {
  const tokens = message.tokens;
  if (!Array.isArray(tokens)) return;
  for (const token of tokens as Array<Record<string, unknown>>) token.bench_sent_ms = sentAt;
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** A JSON object, or null for anything else (bad JSON, arrays, numbers, strings). */
function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
