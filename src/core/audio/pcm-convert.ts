/**
 * In-process conversion of raw PCM (float, 8/24/32-bit, unsigned, big-endian, multi-channel) to
 * 16-bit little-endian mono at the same sample rate, for users who would rather send Soniox a
 * quarter of a browser's Float32 stereo than the matching pcm_f32le. No ffmpeg, no resampling.
 */
import { bytesPerSample, frameBytes, type RawAudioSpec, type RawFormat } from "./audio-format";
import { copyBytes } from "./copy-bytes";

/** Reads one sample at a byte offset as a value in [-1, 1). */
type SampleReader = (view: DataView, at: number) => number;

const S8 = 2 ** 7;
const S16 = 2 ** 15;
const S24 = 2 ** 23;
const S32 = 2 ** 31;

function readerFor(format: RawFormat): SampleReader {
  const le = !format.endsWith("be");
  const kind = format.replace(/^pcm_/, "").replace(/(le|be)$/, "");
  switch (kind) {
    case "s8":
      return (v, at) => v.getInt8(at) / S8;
    case "u8":
      return (v, at) => (v.getUint8(at) - S8) / S8;
    case "s16":
      return (v, at) => v.getInt16(at, le) / S16;
    case "u16":
      return (v, at) => (v.getUint16(at, le) - S16) / S16;
    case "s24":
      return (v, at) => int24(v, at, le) / S24;
    case "u24":
      return (v, at) => (int24(v, at, le) ^ -S24) / S24; // flipping the top bit turns offset binary into two's complement
    case "s32":
      return (v, at) => v.getInt32(at, le) / S32;
    case "u32":
      return (v, at) => (v.getUint32(at, le) - S32) / S32;
    case "f32":
      return (v, at) => v.getFloat32(at, le);
    case "f64":
      return (v, at) => v.getFloat64(at, le);
    default:
      throw new RangeError(`${format} is not linear PCM: only pcm_* formats can be converted to 16-bit (mu-law and A-law are sent as they are)`);
  }
}

/** Sign-extended 24-bit integer. */
function int24(v: DataView, at: number, le: boolean): number {
  const [lo, mid, hi] = le ? [v.getUint8(at), v.getUint8(at + 1), v.getUint8(at + 2)] : [v.getUint8(at + 2), v.getUint8(at + 1), v.getUint8(at)];
  return ((hi << 24) | (mid << 16) | (lo << 8)) >> 8;
}

/** [-1, 1) → s16, rounded; out-of-range float (browsers can emit it) clips instead of wrapping. */
function toS16(x: number): number {
  // Float streams can carry NaN (an uninitialised Web Audio buffer); it is silence, not a click.
  if (Number.isNaN(x)) return 0;
  const s = Math.round(x * S16);
  return s > S16 - 1 ? S16 - 1 : s < -S16 ? -S16 : s;
}

/**
 * Converts a stream of raw PCM chunks to pcm_s16le mono at the input's rate. Chunk boundaries may
 * fall anywhere, even inside a sample: the partial frame is kept for the next chunk. Channels are
 * mixed down by averaging.
 */
export class PcmConverter {
  /** What comes out. */
  readonly output: RawAudioSpec;
  private readonly read: SampleReader;
  private readonly frame: number;
  private readonly sampleBytes: number;
  private readonly channels: number;
  private carry = new Uint8Array(0);

  constructor(input: RawAudioSpec) {
    this.read = readerFor(input.format);
    this.sampleBytes = bytesPerSample(input.format);
    this.frame = frameBytes(input);
    this.channels = input.channels;
    this.output = { format: "pcm_s16le", sampleRate: input.sampleRate, channels: 1 };
  }

  /** Bytes of an incomplete frame held back for the next chunk. */
  get pendingBytes(): number {
    return this.carry.length;
  }

  /** Converts every whole frame available; the result may be empty. */
  push(chunk: Uint8Array): Buffer {
    const bytes = this.carry.length === 0 ? chunk : concat(this.carry, chunk);
    const frames = Math.floor(bytes.length / this.frame);
    const whole = frames * this.frame;
    // Copied: the caller's buffer may be reused or mutated after push returns.
    this.carry = copyBytes(bytes.subarray(whole));
    const view = new DataView(bytes.buffer, bytes.byteOffset, whole);
    const out = Buffer.allocUnsafe(frames * 2);
    for (let f = 0, at = 0; f < frames; f++) {
      let sum = 0;
      for (let c = 0; c < this.channels; c++, at += this.sampleBytes) sum += this.read(view, at);
      out.writeInt16LE(toS16(sum / this.channels), f * 2);
    }
    return out;
  }

  /** Ends the stream; returns how many bytes of a final incomplete frame were dropped. */
  flush(): number {
    const dropped = this.carry.length;
    this.carry = new Uint8Array(0);
    return dropped;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
