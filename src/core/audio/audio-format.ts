/**
 * Raw audio formats Soniox accepts, and the arithmetic that turns bytes into audio time.
 * Shared by the client (pacing, accounting) and the simulator (audio accounting), so both
 * agree on what "real time" means for every format.
 */

export const RAW_FORMATS = [
  "pcm_s8",
  "pcm_s8le",
  "pcm_s8be",
  "pcm_u8",
  "pcm_u8le",
  "pcm_u8be",
  "pcm_s16le",
  "pcm_s16be",
  "pcm_u16le",
  "pcm_u16be",
  "pcm_s24le",
  "pcm_s24be",
  "pcm_u24le",
  "pcm_u24be",
  "pcm_s32le",
  "pcm_s32be",
  "pcm_u32le",
  "pcm_u32be",
  "pcm_f32le",
  "pcm_f32be",
  "pcm_f64le",
  "pcm_f64be",
  "mulaw",
  "alaw",
] as const;

export const CONTAINER_FORMATS = ["aac", "aiff", "amr", "asf", "flac", "mp3", "ogg", "wav", "webm"] as const;

export type RawFormat = (typeof RAW_FORMATS)[number];
export type ContainerFormat = (typeof CONTAINER_FORMATS)[number];
export type AudioFormat = "auto" | RawFormat | ContainerFormat;

const RAW_SET: ReadonlySet<string> = new Set(RAW_FORMATS);
const ALL_SET: ReadonlySet<string> = new Set<string>(["auto", ...RAW_FORMATS, ...CONTAINER_FORMATS]);

export function isRawFormat(format: string): format is RawFormat {
  return RAW_SET.has(format);
}

export function isAudioFormat(format: string): format is AudioFormat {
  return ALL_SET.has(format);
}

/** Bytes per single-channel sample: the digits in pcm_s16le, or 1 for the G.711 companded formats. */
export function bytesPerSample(format: RawFormat): number {
  if (format === "mulaw" || format === "alaw") return 1;
  const bits = Number(/(\d+)/.exec(format)?.[1]);
  return bits / 8;
}

export interface RawAudioSpec {
  format: RawFormat;
  sampleRate: number;
  channels: number;
}

/** Bytes in one frame (one sample for every channel): the unit raw audio must be split on. */
export function frameBytes(spec: RawAudioSpec): number {
  return bytesPerSample(spec.format) * spec.channels;
}

export function bytesPerSecond(spec: RawAudioSpec): number {
  return frameBytes(spec) * spec.sampleRate;
}

export function bytesToMs(bytes: number, spec: RawAudioSpec): number {
  return (bytes * 1000) / bytesPerSecond(spec);
}
