/** What an MPEG audio frame header (MPEG-1, 2 and 2.5, Layers I-III) says about its frame. */
export interface MpegFrame {
  /** Frame length in bytes, header included. */
  length: number;
  samples: number;
  sampleRate: number;
  /** Bytes from the frame start to where a Xing/Info tag would be (header + side information). */
  tagOffset: number;
}

const BITRATES: Record<string, number[]> = {
  "1-1": [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  "1-2": [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  "1-3": [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  "2-1": [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  "2-2": [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  "2-3": [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const RATES = { 1: [44100, 48000, 32000], 2: [22050, 24000, 16000], 25: [11025, 12000, 8000] };

/**
 * Frames already described, by the header bits that decide them (version and layer; bitrate, rate
 * and padding; mono): every frame of a stream is asked about, and a stream uses a handful of
 * headers. At most 2^14 keys, so the map stays small whatever arrives.
 */
const known = new Map<number, Readonly<MpegFrame> | null>();

/** Parses the 4 header bytes; null when they are not a valid frame header (free-format frames included). */
export function parseMpegFrame(b0: number, b1: number, b2: number, b3: number): Readonly<MpegFrame> | null {
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const key = (((b1 & 0x1e) << 8) | (b2 & 0xfe)) * 2 + (b3 >> 6 === 3 ? 1 : 0);
  let frame = known.get(key);
  if (frame === undefined) {
    frame = describe(b1, b2, b3);
    known.set(key, frame);
  }
  return frame;
}

function describe(b1: number, b2: number, b3: number): Readonly<MpegFrame> | null {
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 25;
  const layer = 4 - layerBits;
  const kbps = BITRATES[`${version === 1 ? 1 : 2}-${layer}`][bitrateIndex];
  const sampleRate = RATES[version][rateIndex];
  const padding = (b2 >> 1) & 1;
  const mono = b3 >> 6 === 3;
  if (layer === 1) {
    return { length: (Math.floor((12 * kbps * 1000) / sampleRate) + padding) * 4, samples: 384, sampleRate, tagOffset: 4 };
  }
  const samples = layer === 3 && version !== 1 ? 576 : 1152;
  const length = Math.floor(((samples / 8) * kbps * 1000) / sampleRate) + padding;
  const sideInfo = layer !== 3 ? 0 : version === 1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  return { length, samples, sampleRate, tagOffset: 4 + sideInfo };
}

/** The stream's length and the encoder delay and padding (in samples), from a Xing/Info (+LAME) tag. */
export interface XingTag {
  frames: number | null;
  delay: number | null;
  padding: number | null;
}

/**
 * Whether the four bytes at a frame's tagOffset spell "Xing" or "Info": a tag frame rather than
 * audio. Compared byte by byte: every frame of every MP3 stream is asked.
 */
export function isTagMark(a: number, b: number, c: number, d: number): boolean {
  return (a === 0x58 && b === 0x69 && c === 0x6e && d === 0x67) || (a === 0x49 && b === 0x6e && c === 0x66 && d === 0x6f);
}

/** Reads a Xing or Info tag from a whole first frame, or null when the frame is ordinary audio. */
export function readXingTag(frame: Uint8Array, tagOffset: number): XingTag | null {
  if (!isTagMark(frame[tagOffset], frame[tagOffset + 1], frame[tagOffset + 2], frame[tagOffset + 3])) return null;
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const flags = dv.getUint32(tagOffset + 4);
  let at = tagOffset + 8;
  let frames: number | null = null;
  if (flags & 1) {
    frames = dv.getUint32(at);
    at += 4;
  }
  if (flags & 2) at += 4;
  if (flags & 4) at += 100;
  if (flags & 8) at += 4;
  const encoder = String.fromCharCode(...frame.subarray(at, at + 4));
  if (!["LAME", "Lavc", "Lavf"].includes(encoder) || at + 24 > frame.length) return { frames, delay: null, padding: null };
  const d = frame.subarray(at + 21, at + 24);
  return { frames, delay: (d[0] << 4) | (d[1] >> 4), padding: ((d[1] & 0x0f) << 8) | d[2] };
}
