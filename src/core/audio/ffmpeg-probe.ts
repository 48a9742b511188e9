/**
 * Learns how much audio a container stream (MP3, Ogg, WebM, FLAC, AAC, ...) holds, by decoding
 * the same bytes alongside with ffmpeg and counting the PCM that comes out. Real-time pacing of
 * audio_format "auto" input needs this: a container's byte rate is not known from its name.
 */
import { FfmpegProcess, findFfmpeg, noteFfmpegUse } from "./ffmpeg-binary";

export interface DurationProbe {
  /** Feed the same container bytes that are being sent (no copy is needed; do not mutate). */
  write(chunk: Uint8Array): void;
  /** Milliseconds of audio decoded so far (from decoded PCM byte count). */
  readonly decodedMs: number;
  /** Container bytes written so far. */
  readonly fedBytes: number;
  /** True once ffmpeg has exited cleanly after end(): decodedMs is final and bytesPerMs() exact. */
  readonly finished: boolean;
  /** Best estimate of container bytes per audio millisecond, or null until known (needs >= ~200 ms decoded). */
  bytesPerMs(): number | null;
  /** Called whenever decodedMs advances, the bytesPerMs() estimate changes or the probe finishes (to let a pacer re-check its queue). */
  onProgress: (() => void) | null;
  /** Called once on decoder failure (corrupt data, ffmpeg crash); the caller falls back to approximate pacing. */
  onError: ((err: Error) => void) | null;
  /** Closes ffmpeg's input and lets it flush; later writes are ignored. */
  end(): void;
  /** Kills ffmpeg now (idempotent) and leaves no child process; later writes are ignored. */
  destroy(): void;
}

// 8 kHz mono s16le is the cheapest PCM that still carries the duration exactly.
const DECODE_RATE = 8000;
const PCM_BYTES_PER_MS = (DECODE_RATE * 2) / 1000;
const FFMPEG_ARGS = [
  "-hide_banner",
  "-loglevel", "error",
  // In microseconds. Not 0: ffmpeg reads 0 as "default" (5 s) and then emits nothing until it has
  // buffered 5 s of input. Half a second is enough to learn the stream parameters.
  "-analyzeduration", "500000",
  "-i", "pipe:0",
  "-vn",
  "-ac", "1",
  "-ar", String(DECODE_RATE),
  "-f", "s16le",
  "pipe:1",
];
const MIN_DECODED_MS_FOR_ESTIMATE = 200;
const ESTIMATE_WINDOW_MS = 2000;
/** Output silence that means ffmpeg has decoded all it can and is waiting for input. */
const SETTLE_MS = 30;

/** Cached check that an ffmpeg binary can be found (PATH, then @ffmpeg-installer/ffmpeg). */
export function ffmpegAvailable(): boolean {
  return findFfmpeg() !== null;
}

/** A probe decoding with ffmpeg, or null when ffmpeg is missing (the caller then paces approximately). */
export function createDurationProbe(): DurationProbe | null {
  const command = findFfmpeg();
  if (command === null) return null;
  noteFfmpegUse(command);
  return new FfmpegDurationProbe(command);
}

/**
 * Spawns ffmpeg directly rather than through prism's FFmpeg stream: we need stderr (for error
 * text), the child's exit status, and plain stdin/stdout streams, which that Duplex wrapper hides.
 *
 * How bytesPerMs() copes with decoder lag. ffmpeg holds back bytes it cannot decode yet (pipe and
 * demuxer buffers, an incomplete Ogg page or FLAC frame), so fedBytes / decodedMs overstates the
 * byte rate while it lags, wildly so just after a large write. Since the decoder can only have
 * decoded bytes it was given, every ratio "bytes fed so far / ms decoded now" is an upper bound
 * of the true one, and it is tight when the decoder has caught up. Samples are taken when the
 * decoder has likely caught up:
 * - at a write, if output arrived since the previous write (ffmpeg answered that write), using
 *   the bytes fed before this write;
 * - when the output has been quiet for SETTLE_MS (ffmpeg waits for input), using the bytes fed as
 *   of its last output.
 * The estimate is the smallest sample within the last ESTIMATE_WINDOW_MS of decoded audio: a
 * sample taken while ffmpeg was behind (CPU stall, backlog) only overstates, so the minimum
 * discards it, and the window lets the estimate follow a variable bitrate. After end() and a clean
 * exit the value is exact.
 * Remaining bias: bytes ffmpeg has read but not yet decoded (its read-ahead: ~0.6 kB for WebM,
 * ~18 kB for FLAC; plus up to one incomplete Ogg page, ~1 s) and the container header make the
 * rate too high by a constant number of bytes, so the error shrinks as decodedMs grows. For a
 * pacer fed the bytes it sends, fedBytes / bytesPerMs() then lags the true audio duration by at
 * most that read-ahead expressed in time (under ~1 s in the fixtures), never more. Codec priming
 * that the decoder outputs (AAC in ADTS: ~85 ms) errs the other way by that much.
 * PCM WAV needs no probe (its header gives the byte rate, see wav.ts); ffmpeg also holds back up
 * to 64 kB of s16le WAV before its first output, to check for S/PDIF data.
 */
class FfmpegDurationProbe implements DurationProbe {
  onProgress: (() => void) | null = null;
  onError: ((err: Error) => void) | null = null;

  private readonly ffmpeg: FfmpegProcess;
  private readonly child: FfmpegProcess["child"];
  private fed = 0;
  private pcmBytes = 0;
  private fedAtLastOutput = 0;
  private outputSinceWrite = false;
  /** (bytes fed, ms decoded) pairs taken when the decoder had likely caught up; ms ascending. */
  private readonly samples: { fed: number; ms: number }[] = [];
  private settleTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private done = false;
  private failed = false;

  constructor(command: string) {
    this.ffmpeg = new FfmpegProcess(command, FFMPEG_ARGS);
    this.child = this.ffmpeg.child;
    this.child.stdout.on("data", (pcm: Buffer) => this.onPcm(pcm));
    this.child.on("error", (err) => this.fail(new Error(`ffmpeg could not be run (${command}): ${err.message}`)));
    this.child.on("close", (code, signal) => this.onClose(code, signal));
  }

  get decodedMs(): number {
    return this.pcmBytes / PCM_BYTES_PER_MS;
  }

  get fedBytes(): number {
    return this.fed;
  }

  get finished(): boolean {
    return this.done;
  }

  write(chunk: Uint8Array): void {
    if (this.ffmpeg.inputClosed || this.child.stdin.destroyed || chunk.length === 0) return;
    if (this.outputSinceWrite) this.addSample(this.fed);
    this.outputSinceWrite = false;
    this.fed += chunk.length;
    this.child.stdin.write(chunk);
  }

  bytesPerMs(): number | null {
    if (this.done && this.pcmBytes > 0) return this.fed / this.decodedMs;
    if (this.samples.length === 0) return null;
    return Math.min(...this.samples.map((s) => s.fed / s.ms));
  }

  end(): void {
    this.ffmpeg.closeInput();
  }

  destroy(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.clearSettleTimer();
    this.ffmpeg.kill();
  }

  private onPcm(pcm: Buffer): void {
    if (this.stopped) return;
    this.pcmBytes += pcm.length;
    this.fedAtLastOutput = this.fed;
    this.outputSinceWrite = true;
    if (this.settleTimer === null) {
      this.settleTimer = setTimeout(() => this.onSettled(), SETTLE_MS);
      this.settleTimer.unref();
    } else {
      this.settleTimer.refresh();
    }
    this.onProgress?.();
  }

  private onSettled(): void {
    this.settleTimer = null;
    const before = this.bytesPerMs();
    this.addSample(this.fedAtLastOutput);
    if (this.bytesPerMs() !== before) this.onProgress?.();
  }

  private addSample(fed: number): void {
    const ms = this.decodedMs;
    if (ms < MIN_DECODED_MS_FOR_ESTIMATE) return;
    this.samples.push({ fed, ms });
    while (this.samples[0].ms < ms - ESTIMATE_WINDOW_MS) this.samples.shift();
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    this.clearSettleTimer();
    const endedByCaller = this.ffmpeg.inputClosed;
    this.ffmpeg.closeInput();
    if (this.stopped) return;
    this.stopped = true;
    const detail = this.ffmpeg.lastWords();
    // With no input ffmpeg exits non-zero ("Invalid data"), but an empty stream is not a failure.
    if (this.fed === 0 && endedByCaller) {
      this.done = true;
      this.onProgress?.();
    } else if (code !== 0) {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const reason = detail ? `: ${detail}` : "";
      this.fail(new Error(`ffmpeg could not decode the audio (${how})${reason}; check that it is a supported container`));
    } else if (this.pcmBytes === 0 && this.fed > 0) {
      this.fail(new Error(`ffmpeg decoded no audio from ${this.fed} bytes; the data is not an audio container it knows`));
    } else {
      this.done = true;
      this.onProgress?.();
    }
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.destroy();
    this.onError?.(err);
  }

  private clearSettleTimer(): void {
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.settleTimer = null;
  }
}
