import { EventEmitter } from "events";
import { isRawFormat, type RawFormat } from "./audio-format";
import { AssumedRateMeter, RawMeter, WavMeter, type AudioMeter } from "./audio-meter";
import type { Clock } from "./clock";
import type { ControlCommand } from "./control";
import type { SonioxResult } from "./protocol";
import { summariseResult, type ResultSummary } from "./results";
import { SonioxSession, type SessionClose, type SessionState } from "./session";
import { sniffContainer } from "./sniff";
import type { StartMessage } from "./start-message";
import type { AuthMethod, TransportFactory } from "./transport";
import { UtteranceAssembler, type Utterance } from "./utterance";
import { createDurationProbe } from "./ffmpeg-probe";
import { ProbeMeter } from "./probe-meter";

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
  /** Picks how audio time is measured once the first bytes are seen. */
  meterFor?: (start: StartMessage, head: Uint8Array, ctx: MeterContext) => AudioMeter;
}

export interface StreamResponse extends ResultSummary {
  tokens: SonioxResult["tokens"];
  final_audio_proc_ms?: number;
  total_audio_proc_ms?: number;
}

export interface StreamEvents {
  response: [response: StreamResponse];
  utterance: [utterance: Utterance];
  state: [state: SessionState];
  warning: [message: string];
  /** The stream is over; `error` is set when it ended in failure. */
  closed: [info: SessionClose];
}

/** Bytes per ms assumed for compressed audio whose duration cannot be measured (32 kbit/s). */
const ASSUMED_CONTAINER_BYTES_PER_MS = 4;

export interface MeterContext {
  pacing: boolean;
  clock: Clock;
  /** Asks the pacer to look again (the meter learned something). */
  repace(): void;
  warn(message: string): void;
}

/**
 * Meter for the declared format and the stream's first bytes: exact for raw audio and WAV
 * (header), measured by an ffmpeg decode for other containers when pacing needs it, else a
 * flagged guess.
 */
export function defaultMeterFor(start: StartMessage, head: Uint8Array, ctx: MeterContext): AudioMeter {
  if (isRawFormat(start.audio_format)) {
    return new RawMeter({
      format: start.audio_format as RawFormat,
      sampleRate: start.sample_rate ?? 16000,
      channels: start.num_channels ?? 1,
    });
  }
  const container = start.audio_format === "auto" ? sniffContainer(head) : start.audio_format;
  if (container === "wav") return new WavMeter();
  if (container === null) {
    ctx.warn(
      'Audio format is "auto" but the audio does not start with a known container header (WAV, MP3, OGG, WebM, FLAC, AAC, AIFF, AMR, ASF). ' +
        "If it is raw PCM, set the audio format, sample rate and channels in the node (or send msg.soniox.audio_format).",
    );
  }
  const probe = ctx.pacing ? createDurationProbe() : null;
  if (!probe) return new AssumedRateMeter(ASSUMED_CONTAINER_BYTES_PER_MS);
  return new ProbeMeter(probe, ctx.clock, ASSUMED_CONTAINER_BYTES_PER_MS, ctx.repace, (err) =>
    ctx.warn(`Could not measure the duration of this ${container ?? "container"} audio with ffmpeg (${err.message}); pacing is approximate`),
  );
}

/**
 * One named audio stream of a transcribe node: a Soniox session plus what turns its responses
 * into flow messages (text summaries, utterances) and its idle timeout.
 */
export class TranscriptionStream extends EventEmitter<StreamEvents> {
  readonly key: string;
  readonly session: SonioxSession;
  /** Soniox sessions this stream has used (1 until reconnects exist). */
  readonly sessionNumber = 1;
  private readonly utterances = new UtteranceAssembler();
  private idleTimer: unknown = null;
  private lastAudioAt: number;
  private meterChosen = false;

  constructor(private readonly opts: StreamOptions) {
    super();
    this.key = opts.key;
    this.lastAudioAt = opts.clock.now();
    this.session = new SonioxSession({
      url: opts.url,
      apiKey: opts.apiKey,
      authMethod: opts.authMethod,
      start: opts.start,
      transport: opts.transport,
      clock: opts.clock,
      keepaliveIntervalMs: opts.keepaliveIntervalMs,
      connectTimeoutMs: opts.connectTimeoutMs,
      finishTimeoutMs: opts.finishTimeoutMs,
      pacing: opts.pacing,
      maxQueuedBytes: opts.maxQueuedBytes,
    });
    this.session.on("state", (s) => this.emit("state", s));
    this.session.on("warning", (w) => this.emit("warning", w));
    this.session.on("result", (r) => this.onResult(r));
    this.session.on("close", (info) => this.onClose(info));
    this.armIdleTimer();
  }

  get state(): SessionState {
    return this.session.state;
  }

  get isClosed(): boolean {
    return this.session.isClosed;
  }

  audio(chunk: Uint8Array): boolean {
    if (!this.meterChosen && chunk.length > 0 && !this.session.isClosed) {
      this.meterChosen = true;
      const meterFor = this.opts.meterFor ?? defaultMeterFor;
      this.session.useMeter(
        meterFor(this.opts.start, chunk, {
          pacing: this.opts.pacing,
          clock: this.opts.clock,
          repace: () => this.session.repace(),
          warn: (message) => this.emit("warning", message),
        }),
      );
    }
    this.lastAudioAt = this.opts.clock.now();
    return this.session.sendAudio(chunk);
  }

  control(command: ControlCommand): void {
    switch (command.type) {
      case "start":
        this.session.start();
        return;
      case "finalize":
        this.session.finalize(command.trailing_silence_ms);
        return;
      case "keepalive":
        this.session.keepalive();
        return;
      case "pause":
        this.session.pause();
        return;
      case "resume":
        this.session.resume();
        return;
      case "stop":
        this.session.end();
        return;
      case "cancel":
        this.session.cancel();
        return;
    }
  }

  private onResult(result: SonioxResult): void {
    const summary = summariseResult(result);
    const response: StreamResponse = { tokens: result.tokens, ...summary };
    if (result.final_audio_proc_ms !== undefined) response.final_audio_proc_ms = result.final_audio_proc_ms;
    if (result.total_audio_proc_ms !== undefined) response.total_audio_proc_ms = result.total_audio_proc_ms;
    this.emit("response", response);
    for (const u of this.utterances.push(result.tokens, summary.finished)) this.emit("utterance", u);
  }

  private onClose(info: SessionClose): void {
    this.clearIdleTimer();
    this.emit("closed", info);
  }

  /** One timer per stream, re-armed from the last audio rather than reset per chunk. */
  private armIdleTimer(): void {
    const limit = this.opts.idleTimeoutMs;
    if (limit <= 0) return;
    const wait = Math.max(1, limit - (this.opts.clock.now() - this.lastAudioAt));
    this.idleTimer = this.opts.clock.setTimeout(() => {
      this.idleTimer = null;
      if (this.session.isClosed) return;
      if (this.opts.clock.now() - this.lastAudioAt >= limit) {
        this.emit("warning", `Stream "${this.key}" had no audio for ${limit / 1000} s and was ended (open streams are billed)`);
        this.session.end();
        return;
      }
      this.armIdleTimer();
    }, wait);
  }

  private clearIdleTimer(): void {
    if (this.idleTimer !== null) this.opts.clock.clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
