/**
 * "Convert to PCM 16 kHz mono": one ffmpeg process per stream turns whatever comes in (WAV, MP3,
 * Ogg/Opus, WebM, FLAC, AAC, M4A, raw PCM or G.711 at any rate) into pcm_s16le 16 kHz mono.
 * What comes out is plain PCM in whole samples, so the pacer knows its duration exactly and a
 * reconnect can carry on without a container header.
 */
import type { RawAudioSpec, RawFormat } from "./audio-format";
import { SonioxError, type MessageKey, type MessagePart } from "../errors";
import { FfmpegProcess, ffmpegMissingMessage, findFfmpeg, noteFfmpegUse } from "./ffmpeg-binary";
import { describeSpec, TRANSCODED_AUDIO } from "./format-declaration";

export interface TranscoderOptions {
  /** Describes headerless raw input; null lets ffmpeg detect the container from the bytes. */
  input: RawAudioSpec | null;
  /** The ffmpeg binary; by default the one findFfmpeg() finds. null means there is none. */
  command?: string | null;
  /** Input bytes waiting for ffmpeg above which write() returns false. */
  highWaterMark?: number;
  /** PCM out, always a whole number of samples. */
  onData(pcm: Buffer): void;
  /** ffmpeg failed (could not start, could not decode, crashed); called at most once, never after onEnd. */
  onError(err: Error): void;
  /** All input was decoded and every byte of output delivered. */
  onEnd(): void;
  /** The input backlog fell back under the high-water mark after write() returned false. */
  onDrain?(): void;
}

const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
const OUTPUT_FRAME_BYTES = 2;

/** ffmpeg's raw demuxer names: pcm_s16le → s16le; the 8-bit formats have no byte order. */
function ffmpegRawName(format: RawFormat): string {
  if (format === "mulaw" || format === "alaw") return format;
  const name = format.replace(/^pcm_/, "");
  return /^[su]8/.test(name) ? name.slice(0, 2) : name;
}

function ffmpegArgs(input: RawAudioSpec | null): string[] {
  const inputArgs = input
    ? ["-f", ffmpegRawName(input.format), "-ar", String(input.sampleRate), "-ac", String(input.channels)]
    : // In microseconds. Half a second of probing keeps the first output early for live input;
      // 0 would mean ffmpeg's default of 5 s.
      ["-analyzeduration", "500000"];
  return [
    "-hide_banner",
    "-loglevel", "error",
    ...inputArgs,
    "-i", "pipe:0",
    "-vn",
    "-ac", String(TRANSCODED_AUDIO.channels),
    "-ar", String(TRANSCODED_AUDIO.sampleRate),
    "-f", "s16le",
    // Write each decoded packet at once rather than filling an output buffer first (live latency).
    "-flush_packets", "1",
    "pipe:1",
  ];
}

/**
 * Starts ffmpeg for one stream. Throws a SonioxError ("invalid_config") naming how to install
 * ffmpeg when there is none; any later failure goes to onError, never thrown.
 */
export function createTranscoder(options: TranscoderOptions): Transcoder {
  const command = options.command === undefined ? findFfmpeg() : options.command;
  if (command === null) throw new SonioxError("invalid_config", ffmpegMissingMessage('"Convert to PCM 16 kHz mono"'), { key: "audio.ffmpeg-missing", params: { detail: "" } });
  noteFfmpegUse(command);
  return new Transcoder(command, options);
}

export class Transcoder {
  /** What comes out. */
  readonly output: RawAudioSpec = TRANSCODED_AUDIO;
  private readonly ffmpeg: FfmpegProcess;
  private readonly child: FfmpegProcess["child"];
  private readonly highWaterMark: number;
  private oddByte: Buffer | null = null;
  private fed = 0;
  private needDrain = false;
  private finished = false;

  constructor(private readonly command: string, private readonly options: TranscoderOptions) {
    this.highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.ffmpeg = new FfmpegProcess(command, ffmpegArgs(options.input));
    this.child = this.ffmpeg.child;
    this.child.stdin.on("drain", () => this.onStdinDrain());
    this.child.stdout.on("data", (pcm: Buffer) => this.onPcm(pcm));
    this.child.on("error", (err: NodeJS.ErrnoException) => this.onSpawnError(err));
    this.child.on("close", (code, signal) => this.onClose(code, signal));
  }

  /** The ffmpeg process id (undefined if it could not be started). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Input bytes written but not yet taken by ffmpeg. */
  get pendingInputBytes(): number {
    return this.child.stdin.writableLength;
  }

  /** True once ffmpeg has ended or failed, or destroy() was called. */
  get isFinished(): boolean {
    return this.finished;
  }

  /**
   * Queues input for ffmpeg; nothing is dropped. Returns false when the backlog is above the
   * high-water mark: stop writing until onDrain.
   */
  write(chunk: Uint8Array): boolean {
    if (this.ffmpeg.inputClosed || this.finished || chunk.length === 0) return !this.finished;
    this.fed += chunk.length;
    this.child.stdin.write(chunk);
    if (this.child.stdin.writableLength > this.highWaterMark) this.needDrain = true;
    return !this.needDrain;
  }

  /** Stops reading ffmpeg's output (the consumer is full); ffmpeg then stops reading input. */
  pauseOutput(): void {
    this.child.stdout.pause();
  }

  resumeOutput(): void {
    this.child.stdout.resume();
  }

  /** No more input: ffmpeg flushes what it has, then onEnd. */
  end(): void {
    this.ffmpeg.closeInput();
  }

  /** Kills ffmpeg now; no callback fires afterwards. Safe to call more than once. */
  destroy(): void {
    this.finished = true;
    this.ffmpeg.kill();
  }

  private onStdinDrain(): void {
    if (!this.needDrain || this.child.stdin.writableLength > this.highWaterMark) return;
    this.needDrain = false;
    if (!this.finished) this.options.onDrain?.();
  }

  /** ffmpeg writes whole samples, but a pipe read can split one. */
  private onPcm(pcm: Buffer): void {
    if (this.finished) return;
    let bytes = this.oddByte ? Buffer.concat([this.oddByte, pcm]) : pcm;
    this.oddByte = null;
    const whole = bytes.length - (bytes.length % OUTPUT_FRAME_BYTES);
    if (whole < bytes.length) {
      this.oddByte = Buffer.from(bytes.subarray(whole));
      bytes = bytes.subarray(0, whole);
    }
    if (bytes.length > 0) this.options.onData(bytes);
  }

  private onSpawnError(err: NodeJS.ErrnoException): void {
    const missing = err.code === "ENOENT" || err.code === "EACCES";
    this.fail(
      missing
        ? new SonioxError("invalid_config", `${ffmpegMissingMessage('"Convert to PCM 16 kHz mono"')} (${this.command}: ${err.code})`, {
            key: "audio.ffmpeg-missing",
            params: { detail: ` (${this.command}: ${err.code})` },
          })
        : new SonioxError("invalid_config", `ffmpeg (${this.command}) could not be started: ${err.message}`, {
            key: "audio.ffmpeg-start-failed",
            params: { command: this.command, detail: err.message },
          }),
    );
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    const endedByCaller = this.ffmpeg.inputClosed;
    this.ffmpeg.closeInput();
    if (this.finished) return;
    const detail = this.ffmpeg.lastWords();
    // With no input at all ffmpeg exits non-zero ("Invalid data"), but an empty stream is no failure.
    if (code === 0 || (this.fed === 0 && endedByCaller)) {
      this.finished = true;
      this.options.onEnd();
      return;
    }
    const how: MessagePart = signal
      ? { text: `was killed by ${signal}`, key: "audio.ffmpeg-killed", params: { signal } }
      : { text: `exited with code ${code}`, key: "audio.ffmpeg-exited", params: { code: String(code) } };
    const input = this.options.input;
    const spec = input ? describeSpec(input) : null;
    const what = spec ? `the raw ${spec} audio` : "the audio (is it an audio file or stream ffmpeg knows?)";
    const said = detail ? `: ${detail}` : "";
    const i18n: MessageKey = spec
      ? { key: "audio.ffmpeg-convert-failed-raw", params: { spec, detail: said }, parts: { how } }
      : { key: "audio.ffmpeg-convert-failed", params: { detail: said }, parts: { how } };
    this.fail(new SonioxError("invalid_config", `ffmpeg could not convert ${what}: it ${how.text}${said}`, i18n));
  }

  private fail(err: Error): void {
    if (this.finished) return;
    this.destroy();
    this.options.onError(err);
  }
}
