/**
 * Energy-based voice activity detection on raw PCM, and the PCM format a message declares
 * (sox-record style msg properties, else the node's setting). Audio time comes from byte counts,
 * never from the wall clock, so a file read faster than real time still gets correct silence spans.
 */
import { bytesPerSample, bytesToMs, frameBytes, soxEncodingOf, soxFormatFor, type RawAudioSpec, type RawFormat } from "../audio";

/** A short stretch of audio and whether it was loud enough to count as speech. */
export interface VadWindow {
  ms: number;
  speech: boolean;
}

export const VAD_WINDOW_MS = 10;

/** Splits PCM into 10 ms windows and compares each window's RMS level (dBFS) to a threshold. */
export class EnergyVad {
  readonly spec: RawAudioSpec;
  readonly #thresholdDb: number;
  readonly #read: (buf: Buffer, offset: number) => number;
  readonly #sampleBytes: number;
  readonly #windowBytes: number;
  #carry: Buffer = Buffer.alloc(0);

  constructor(spec: RawAudioSpec, thresholdDb: number) {
    this.spec = spec;
    this.#thresholdDb = thresholdDb;
    this.#read = sampleReader(spec.format);
    this.#sampleBytes = bytesPerSample(spec.format);
    const frame = frameBytes(spec);
    this.#windowBytes = Math.max(1, Math.round((spec.sampleRate * VAD_WINDOW_MS) / 1000)) * frame;
  }

  /**
   * Windows of `chunk` in order. Bytes that do not fill a window are held for the next chunk, so
   * chunk sizes that split frames or windows do not matter.
   */
  analyse(chunk: Uint8Array): VadWindow[] {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const data = this.#carry.length > 0 ? Buffer.concat([this.#carry, bytes]) : bytes;
    const whole = data.length - (data.length % this.#windowBytes);
    this.#carry = Buffer.from(data.subarray(whole));
    const out: VadWindow[] = [];
    for (let offset = 0; offset < whole; offset += this.#windowBytes) {
      const window = data.subarray(offset, offset + this.#windowBytes);
      out.push({ ms: bytesToMs(window.length, this.spec), speech: this.levelDb(window) >= this.#thresholdDb });
    }
    return out;
  }

  /** RMS level of whole samples in `pcm`, in dB relative to full scale (-Infinity for silence). */
  levelDb(pcm: Buffer): number {
    const n = Math.floor(pcm.length / this.#sampleBytes);
    if (n === 0) return -Infinity;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = this.#read(pcm, i * this.#sampleBytes);
      sum += v * v;
    }
    return 10 * Math.log10(sum / n);
  }
}

/** Reads one sample as a number in [-1, 1]. */
function sampleReader(format: RawFormat): (buf: Buffer, offset: number) => number {
  switch (format) {
    case "pcm_s8":
    case "pcm_s8le":
    case "pcm_s8be":
      return (b, o) => b.readInt8(o) / 128;
    case "pcm_u8":
    case "pcm_u8le":
    case "pcm_u8be":
      return (b, o) => (b.readUInt8(o) - 128) / 128;
    case "pcm_s16le":
      return (b, o) => b.readInt16LE(o) / 32768;
    case "pcm_s16be":
      return (b, o) => b.readInt16BE(o) / 32768;
    case "pcm_u16le":
      return (b, o) => (b.readUInt16LE(o) - 32768) / 32768;
    case "pcm_u16be":
      return (b, o) => (b.readUInt16BE(o) - 32768) / 32768;
    case "pcm_s24le":
      return (b, o) => b.readIntLE(o, 3) / 8388608;
    case "pcm_s24be":
      return (b, o) => b.readIntBE(o, 3) / 8388608;
    case "pcm_u24le":
      return (b, o) => (b.readUIntLE(o, 3) - 8388608) / 8388608;
    case "pcm_u24be":
      return (b, o) => (b.readUIntBE(o, 3) - 8388608) / 8388608;
    case "pcm_s32le":
      return (b, o) => b.readInt32LE(o) / 2147483648;
    case "pcm_s32be":
      return (b, o) => b.readInt32BE(o) / 2147483648;
    case "pcm_u32le":
      return (b, o) => (b.readUInt32LE(o) - 2147483648) / 2147483648;
    case "pcm_u32be":
      return (b, o) => (b.readUInt32BE(o) - 2147483648) / 2147483648;
    case "pcm_f32le":
      return (b, o) => b.readFloatLE(o);
    case "pcm_f32be":
      return (b, o) => b.readFloatBE(o);
    case "pcm_f64le":
      return (b, o) => b.readDoubleLE(o);
    case "pcm_f64be":
      return (b, o) => b.readDoubleBE(o);
    case "mulaw":
      return (b, o) => mulawToLinear(b.readUInt8(o)) / 32768;
    case "alaw":
      return (b, o) => alawToLinear(b.readUInt8(o)) / 32768;
  }
}

/** ITU-T G.711 µ-law byte → 16-bit linear sample. */
export function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

/** ITU-T G.711 A-law byte → 16-bit linear sample. */
export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const seg = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  if (seg === 0) t += 8;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

/** The audio properties node-red-contrib-sox-utils (and sox-play/convert) put on each message. */
export interface SoxAudioProps {
  rate?: unknown;
  channels?: unknown;
  bits?: unknown;
  encoding?: unknown;
}

/**
 * The PCM format of a chunk: each sox-style property that is present wins over the node's
 * setting. sox-record sends no byte order; its default is little-endian. Returns an error text
 * naming the property when it describes audio that cannot be analysed.
 */
export function specFromMessage(props: SoxAudioProps, fallback: RawAudioSpec): RawAudioSpec | { error: string } {
  const rate = props.rate === undefined ? fallback.sampleRate : Number(props.rate);
  const channels = props.channels === undefined ? fallback.channels : Number(props.channels);
  if (!Number.isInteger(rate) || rate < 1000 || rate > 384000) return { error: `msg.rate ${String(props.rate)} is not a sample rate in Hz` };
  if (!Number.isInteger(channels) || channels < 1 || channels > 32) {
    return { error: `msg.channels ${String(props.channels)} is not a channel count` };
  }
  if (props.encoding === undefined && props.bits === undefined) return { format: fallback.format, sampleRate: rate, channels };
  const bits = props.bits === undefined ? bytesPerSample(fallback.format) * 8 : Number(props.bits);
  const encoding = props.encoding === undefined ? soxEncodingOf(fallback.format) : String(props.encoding);
  const format = formatFor(encoding, bits);
  if (format === null) {
    return { error: `msg.encoding "${encoding}" with msg.bits ${String(bits)} is not PCM this node can analyse` };
  }
  return { format, sampleRate: rate, channels };
}

const SOX_ENCODINGS = new Set(["signed-integer", "unsigned-integer", "floating-point", "mu-law", "a-law"]);

function formatFor(encoding: string, bits: number): RawFormat | null {
  return SOX_ENCODINGS.has(encoding) ? soxFormatFor(encoding, bits) : null;
}
