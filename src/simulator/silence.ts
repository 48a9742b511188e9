/**
 * Speech/silence classification of raw PCM by RMS energy, so endpoint detection reacts to the
 * audio the client actually sent (a tone followed by zeros gives an `<end>`). It is an energy
 * gate, not a voice detector: any loud enough signal counts as speech.
 */
import { bytesPerSample, type RawFormat } from "../core/audio";

/** Reads sample i (0-based, counting every channel) of `buf` as a float in -1..1. */
type SampleReader = (buf: Buffer, i: number) => number;

function mulawToFloat(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return ((u & 0x80) !== 0 ? -magnitude : magnitude) / 32768;
}

function alawToFloat(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return ((a & 0x80) !== 0 ? magnitude : -magnitude) / 32768;
}

/**
 * A reader for every raw format Soniox accepts. `pcm_s8`/`pcm_u8` without an endianness suffix
 * are single bytes, so the suffix never matters for them.
 */
export function sampleReader(format: RawFormat): SampleReader {
  if (format === "mulaw") return (buf, i) => mulawToFloat(buf[i]);
  if (format === "alaw") return (buf, i) => alawToFloat(buf[i]);
  const size = bytesPerSample(format);
  const bigEndian = format.endsWith("be");
  if (format.startsWith("pcm_f")) {
    if (size === 4) return bigEndian ? (b, i) => b.readFloatBE(i * 4) : (b, i) => b.readFloatLE(i * 4);
    return bigEndian ? (b, i) => b.readDoubleBE(i * 8) : (b, i) => b.readDoubleLE(i * 8);
  }
  const full = 2 ** (size * 8 - 1);
  if (format.startsWith("pcm_u")) {
    return bigEndian
      ? (b, i) => (b.readUIntBE(i * size, size) - full) / full
      : (b, i) => (b.readUIntLE(i * size, size) - full) / full;
  }
  return bigEndian ? (b, i) => b.readIntBE(i * size, size) / full : (b, i) => b.readIntLE(i * size, size) / full;
}

/** Root-mean-square level (0..1 of full scale) of a buffer of whole samples. */
export function rmsLevel(buf: Buffer, read: SampleReader, bytesPerSampleValue: number): number {
  const count = Math.floor(buf.length / bytesPerSampleValue);
  if (count === 0) return 0;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const v = read(buf, i);
    sum += v * v;
  }
  return Math.sqrt(sum / count);
}
