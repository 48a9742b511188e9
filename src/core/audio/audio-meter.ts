import { bytesToMs, frameBytes, type RawAudioSpec } from "./audio-format";
import { parseWavHeader } from "./wav";

/**
 * Tells the pacer how much audio time a run of stream bytes holds. Offsets are positions in the
 * stream as sent (byte 0 is the first byte of the stream, headers included).
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
  /** Frees anything the meter runs (a decoder process). */
  destroy(): void;
}

/** Raw PCM / G.711: the byte rate is fixed by the declared format. */
export class RawMeter implements AudioMeter {
  readonly approximate = false;
  private readonly frame: number;
  private readonly msPerByte: number;

  constructor(spec: RawAudioSpec, private readonly headerBytes = 0) {
    this.frame = frameBytes(spec);
    this.msPerByte = bytesToMs(1, spec);
  }

  observe(): void {}

  msForRange(offset: number, length: number): number {
    const audioStart = Math.max(offset, this.headerBytes);
    const audioBytes = offset + length - audioStart;
    return audioBytes > 0 ? audioBytes * this.msPerByte : 0;
  }

  bytesForMs(offset: number, ms: number): number {
    const header = Math.max(0, this.headerBytes - offset);
    const audio = Math.floor(ms / this.msPerByte / this.frame) * this.frame;
    return header + audio;
  }

  destroy(): void {}
}

/** Where the duration is unknown: a fixed assumed byte rate, flagged as approximate. */
export class AssumedRateMeter implements AudioMeter {
  readonly approximate = true;

  constructor(private readonly bytesPerMs: number) {}

  observe(): void {}

  msForRange(_offset: number, length: number): number {
    return length / this.bytesPerMs;
  }

  bytesForMs(_offset: number, ms: number): number {
    return Math.floor(ms * this.bytesPerMs);
  }

  destroy(): void {}
}

/** A header can in theory run past the first chunk; this much is enough for any real one. */
const MAX_WAV_HEADER_BYTES = 64 * 1024;

/**
 * WAV sent as-is (audio_format "auto"): the header says the exact byte rate. Until the header is
 * complete (it can straddle chunks) the rate is assumed, so pacing is approximate only briefly.
 */
export class WavMeter implements AudioMeter {
  private head = new Uint8Array(0);
  private known: RawMeter | null = null;
  private readonly fallback = new AssumedRateMeter(32);
  private gaveUp = false;

  get approximate(): boolean {
    return this.known === null;
  }

  /** The header's description of the audio, once read. */
  spec: RawAudioSpec | null = null;

  observe(chunk: Uint8Array): void {
    if (this.known || this.gaveUp) return;
    const joined = new Uint8Array(this.head.length + chunk.length);
    joined.set(this.head);
    joined.set(chunk, this.head.length);
    const parsed = parseWavHeader(joined);
    if (parsed.status === "ok") {
      const { format, sampleRate, channels, dataOffset } = parsed.info;
      this.spec = { format, sampleRate, channels };
      this.known = new RawMeter(this.spec, dataOffset);
      this.head = new Uint8Array(0);
    } else if (parsed.status === "invalid" || joined.length > MAX_WAV_HEADER_BYTES) {
      this.gaveUp = true;
      this.head = new Uint8Array(0);
    } else {
      this.head = joined;
    }
  }

  msForRange(offset: number, length: number): number {
    return (this.known ?? this.fallback).msForRange(offset, length);
  }

  bytesForMs(offset: number, ms: number): number {
    return (this.known ?? this.fallback).bytesForMs(offset, ms);
  }

  destroy(): void {}
}
