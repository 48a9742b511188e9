import { bytesToMs, frameBytes, type RawAudioSpec } from "./audio-format";

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
