import { bytesToMs, frameBytes, type RawAudioSpec } from "./audio-format";
import { parseWavHeader } from "./wav";

/** A byte offset of the stream where a decoder can start again (after re-sending the header), with its exact audio time. */
export interface ResumePoint {
  offset: number;
  ms: number;
}

/**
 * Tells the pacer how much audio time a run of stream bytes holds, and a replacement session
 * where it may pick the stream up again. Offsets are positions in the stream as sent (byte 0 is
 * the first byte of the stream, headers included).
 */
export interface AudioMeter {
  /** Sees every chunk in stream order as it arrives (headers are parsed here). */
  observe(chunk: Uint8Array): void;
  /** Audio milliseconds held by stream bytes [offset, offset + length). */
  msForRange(offset: number, length: number): number;
  /** How many bytes from `offset` hold about `ms` of audio, cut on a frame boundary. */
  bytesForMs(offset: number, ms: number): number;
  /** True while the duration of the bytes is a guess rather than known. */
  readonly approximate: boolean;
  /** Audio ms before stream byte `offset` (offset within what was observed), exact where the container says. */
  msAt(offset: number): number;
  /** The latest resume point with ms <= `ms` (and offset past the header), or null when none is known. Raw audio: a frame boundary. */
  resumeAtOrBefore(ms: number): ResumePoint | null;
  /** The header bytes a new session must get before resuming mid-stream (empty for raw audio; for WAV the header as sent). */
  header(): Uint8Array;
  /** Offsets before this will never be asked about again: drop index entries (keeps long streams flat). */
  release(offset: number): void;
  /** Damaged stretches a container clock found its way past (clocked containers only). */
  readonly damage?: { readonly stretches: number; readonly bytes: number };
  /** Frees anything the meter runs (a decoder process). */
  destroy(): void;
}

/** Constant-rate audio after an optional header: every `frame` bytes are one sample frame at `frameRate` per second. */
export interface ConstantRate {
  frame: number;
  frameRate: number;
}

/** Raw PCM / G.711 (and WAV/AIFF bodies): the byte rate is fixed by the format. */
export class RawMeter implements AudioMeter {
  readonly approximate = false;
  private readonly frame: number;
  private readonly msPerFrame: number;
  private observed = 0;

  constructor(spec: RawAudioSpec | ConstantRate, private readonly head: Uint8Array = new Uint8Array(0)) {
    if ("format" in spec) {
      this.frame = frameBytes(spec);
      this.msPerFrame = bytesToMs(this.frame, spec);
    } else {
      this.frame = spec.frame;
      this.msPerFrame = 1000 / spec.frameRate;
    }
  }

  observe(chunk: Uint8Array): void {
    this.observed += chunk.length;
  }

  msAt(offset: number): number {
    const audio = offset - this.head.length;
    return audio > 0 ? (audio / this.frame) * this.msPerFrame : 0;
  }

  msForRange(offset: number, length: number): number {
    return this.msAt(offset + length) - this.msAt(offset);
  }

  bytesForMs(offset: number, ms: number): number {
    const header = Math.max(0, this.head.length - offset);
    return header + Math.floor(ms / this.msPerFrame) * this.frame;
  }

  resumeAtOrBefore(ms: number): ResumePoint | null {
    const audioFrames = Math.floor((this.observed - this.head.length) / this.frame);
    const frames = Math.min(audioFrames, Math.floor(ms / this.msPerFrame + 1e-9));
    if (frames < 0) return null;
    return { offset: this.head.length + frames * this.frame, ms: frames * this.msPerFrame };
  }

  header(): Uint8Array {
    return this.head;
  }

  release(): void {}

  destroy(): void {}
}

/** Where the duration is unknown: a fixed assumed byte rate, flagged as approximate. */
export class AssumedRateMeter implements AudioMeter {
  readonly approximate = true;

  constructor(private readonly bytesPerMs: number) {}

  observe(): void {}

  msAt(offset: number): number {
    return offset / this.bytesPerMs;
  }

  msForRange(_offset: number, length: number): number {
    return length / this.bytesPerMs;
  }

  bytesForMs(_offset: number, ms: number): number {
    return Math.floor(ms * this.bytesPerMs);
  }

  /** Without a clock no byte is known to start a decodable unit at a known time. */
  resumeAtOrBefore(): ResumePoint | null {
    return null;
  }

  header(): Uint8Array {
    return new Uint8Array(0);
  }

  release(): void {}

  destroy(): void {}
}

/** A header can in theory run past the first chunk; this much is enough for any real one. */
const MAX_HEADER_BYTES = 64 * 1024;

/** What a header parser makes of the first bytes of a stream. */
export type HeaderRead = { status: "ok"; headerBytes: number; rate: ConstantRate } | { status: "need-more" } | { status: "invalid" };

/**
 * A header, then constant-rate audio (WAV, AIFF): the header says the exact byte rate. Until the
 * header is complete (it can straddle chunks) the rate is assumed, so pacing is approximate only briefly.
 */
export class HeaderRateMeter implements AudioMeter {
  private head = new Uint8Array(0);
  private known: RawMeter | null = null;
  private readonly fallback = new AssumedRateMeter(32);
  private gaveUp = false;

  constructor(private readonly read: (head: Uint8Array) => HeaderRead) {}

  get approximate(): boolean {
    return this.known === null;
  }

  observe(chunk: Uint8Array): void {
    if (this.known) return this.known.observe(chunk);
    if (this.gaveUp) return;
    const joined = new Uint8Array(this.head.length + chunk.length);
    joined.set(this.head);
    joined.set(chunk, this.head.length);
    const parsed = this.read(joined);
    if (parsed.status === "ok") {
      this.known = new RawMeter(parsed.rate, joined.slice(0, parsed.headerBytes));
      this.known.observe(joined);
      this.head = new Uint8Array(0);
    } else if (parsed.status === "invalid" || joined.length > MAX_HEADER_BYTES) {
      this.gaveUp = true;
      this.head = new Uint8Array(0);
    } else {
      this.head = joined;
    }
  }

  msAt(offset: number): number {
    return (this.known ?? this.fallback).msAt(offset);
  }

  msForRange(offset: number, length: number): number {
    return (this.known ?? this.fallback).msForRange(offset, length);
  }

  bytesForMs(offset: number, ms: number): number {
    return (this.known ?? this.fallback).bytesForMs(offset, ms);
  }

  resumeAtOrBefore(ms: number): ResumePoint | null {
    return this.known ? this.known.resumeAtOrBefore(ms) : null;
  }

  header(): Uint8Array {
    return this.known ? this.known.header() : new Uint8Array(0);
  }

  release(): void {}

  destroy(): void {}
}

function readWav(head: Uint8Array): HeaderRead {
  const parsed = parseWavHeader(head);
  if (parsed.status !== "ok") return parsed;
  const { format, sampleRate, channels, dataOffset } = parsed.info;
  return { status: "ok", headerBytes: dataOffset, rate: { frame: frameBytes({ format, sampleRate, channels }), frameRate: sampleRate } };
}

/** WAV sent as-is (audio_format "auto"): exact from its header. */
export class WavMeter extends HeaderRateMeter {
  constructor() {
    super(readWav);
  }
}
