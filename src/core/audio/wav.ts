/**
 * WAV header parsing, so a WAV stream can be described to Soniox as raw audio (format, rate,
 * channels) and its header skipped. Works on the first bytes of a stream: a header split across
 * several chunks yields "need-more" until enough bytes have been accumulated.
 */
import type { RawFormat } from "./audio-format";

export interface WavInfo {
  format: RawFormat;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Byte offset of the first audio byte (just past the `data` chunk header). */
  dataOffset: number;
  /** bytes of the data chunk per the header, or null when streamed (0 / 0xFFFFFFFF sizes) */
  dataBytes: number | null;
}

export type WavParse =
  | { status: "ok"; info: WavInfo }
  | { status: "need-more"; needBytes?: number }
  | { status: "invalid"; reason: string };

const RIFF_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
const FMT_MIN_BYTES = 16;
const FMT_EXTENSIBLE_BYTES = 40;

const TAG_PCM = 0x0001;
const TAG_IEEE_FLOAT = 0x0003;
const TAG_ALAW = 0x0006;
const TAG_MULAW = 0x0007;
const TAG_EXTENSIBLE = 0xfffe;

/** Names for tags people actually meet inside WAV files, so the error says what the file holds. */
const KNOWN_UNSUPPORTED_TAGS: ReadonlyMap<number, string> = new Map([
  [0x0002, "Microsoft ADPCM"],
  [0x0011, "IMA ADPCM"],
  [0x0031, "GSM 6.10"],
  [0x0050, "MPEG audio in WAV"],
  [0x0055, "MP3 in WAV"],
  [0x00ff, "AAC in WAV"],
  [0x0161, "WMA in WAV"],
  [0x1610, "HE-AAC in WAV"],
  [0x2000, "AC-3 in WAV"],
]);

/**
 * KSDATAFORMAT_SUBTYPE_* GUIDs are the format tag in their first two bytes followed by this fixed
 * tail (bytes 2..15 of 0000xxxx-0000-0010-8000-00AA00389B71 in the little-endian GUID layout).
 */
const SUBTYPE_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const STREAMED_SIZE = 0xffffffff;

/** RF64 is accepted because its header is RIFF's; its real data size lives in a ds64 chunk we do not read. */
const WAV_MAGICS = ["RIFF", "RF64", "RIFX"];

/**
 * Parses the RIFF/WAVE header at the start of `buf` and locates the `data` chunk.
 * Chunks other than `fmt ` (LIST, fact, bext, ...) are skipped without needing their bytes, so a
 * caller only has to accumulate up to the `data` chunk header (`needBytes` says how far).
 */
export function parseWavHeader(buf: Uint8Array): WavParse {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = ascii(buf, 0, Math.min(4, buf.length));
  if (magic === "RIFX") {
    return invalid("big-endian RIFX WAV not supported; convert it to a little-endian (RIFF) WAV");
  }
  if (!WAV_MAGICS.some((m) => m.startsWith(magic))) {
    return invalid(`not a WAV file: it starts with "${printable(buf, 0, 4)}" instead of "RIFF"`);
  }
  if (buf.length < RIFF_HEADER_BYTES) return needMore(RIFF_HEADER_BYTES);
  const formType = ascii(buf, 8, 12);
  if (formType !== "WAVE") {
    return invalid(`RIFF file is not WAVE audio (form type "${printable(buf, 8, 12)}")`);
  }

  let fmt: FmtChunk | null = null;
  let offset = RIFF_HEADER_BYTES;
  for (;;) {
    if (buf.length < offset + CHUNK_HEADER_BYTES) return needMore(offset + CHUNK_HEADER_BYTES);
    const id = ascii(buf, offset, offset + 4);
    if (!/^[\x20-\x7e]{4}$/.test(id)) {
      return invalid(`corrupt WAV: chunk id at byte ${offset} is not text (${hex(buf, offset, offset + 4)})`);
    }
    const size = view.getUint32(offset + 4, true);
    const bodyOffset = offset + CHUNK_HEADER_BYTES;

    if (id === "data") {
      if (fmt === null) return invalid("fmt chunk missing: the data chunk comes before any fmt chunk");
      const dataBytes = size === 0 || size === STREAMED_SIZE ? null : size;
      return { status: "ok", info: { ...fmt, dataOffset: bodyOffset, dataBytes } };
    }
    if (id === "fmt ") {
      if (size < FMT_MIN_BYTES) return invalid(`fmt chunk too short: ${size} bytes, at least ${FMT_MIN_BYTES} needed`);
      if (buf.length < bodyOffset + size) return needMore(bodyOffset + size);
      const parsed = parseFmt(view, buf, bodyOffset, size);
      if (typeof parsed === "string") return invalid(parsed);
      fmt = parsed;
    }
    // RIFF pads every odd-sized chunk to an even length.
    offset = bodyOffset + size + (size & 1);
  }
}

type FmtChunk = Omit<WavInfo, "dataOffset" | "dataBytes">;

/** Returns the decoded fmt chunk, or the reason it cannot be used. */
function parseFmt(view: DataView, buf: Uint8Array, at: number, size: number): FmtChunk | string {
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const bitsPerSample = view.getUint16(at + 14, true);

  if (tag === TAG_EXTENSIBLE) {
    if (size < FMT_EXTENSIBLE_BYTES) {
      return `WAVE_FORMAT_EXTENSIBLE fmt chunk too short: ${size} bytes, ${FMT_EXTENSIBLE_BYTES} needed`;
    }
    const guidAt = at + 24;
    const tailMatches = SUBTYPE_GUID_TAIL.every((byte, i) => buf[guidAt + 2 + i] === byte);
    if (!tailMatches) return `unsupported WAVE_FORMAT_EXTENSIBLE sub-format GUID ${hex(buf, guidAt, guidAt + 16)}`;
    tag = view.getUint16(guidAt, true);
  }
  if (channels === 0) return "WAV header says 0 channels";
  if (sampleRate === 0) return "WAV header says a sample rate of 0 Hz";

  const format = rawFormatFor(tag, bitsPerSample);
  if (typeof format === "object") return format.reason;
  return { format, sampleRate, channels, bitsPerSample };
}

const PCM_BY_BITS: Readonly<Record<number, RawFormat>> = { 8: "pcm_u8", 16: "pcm_s16le", 24: "pcm_s24le", 32: "pcm_s32le" };
const FLOAT_BY_BITS: Readonly<Record<number, RawFormat>> = { 32: "pcm_f32le", 64: "pcm_f64le" };

/** The raw format for a (tag, bits) pair, or the reason there is none. */
function rawFormatFor(tag: number, bits: number): RawFormat | { reason: string } {
  const unsupportedDepth = (kind: string) => ({ reason: `unsupported ${kind} bit depth ${bits} in WAV` });
  switch (tag) {
    case TAG_PCM:
      return PCM_BY_BITS[bits] ?? unsupportedDepth("PCM");
    case TAG_IEEE_FLOAT:
      return FLOAT_BY_BITS[bits] ?? unsupportedDepth("IEEE float");
    case TAG_ALAW:
      return bits === 8 ? "alaw" : unsupportedDepth("A-law");
    case TAG_MULAW:
      return bits === 8 ? "mulaw" : unsupportedDepth("mu-law");
    default: {
      const name = KNOWN_UNSUPPORTED_TAGS.get(tag);
      const described = name ? `${tag} (${name})` : `${tag} (0x${tag.toString(16).padStart(4, "0")})`;
      return {
        reason: `unsupported WAV encoding tag ${described}; only PCM, IEEE float, A-law and mu-law can be sent as raw audio`,
      };
    }
  }
}

function needMore(needBytes: number): WavParse {
  return { status: "need-more", needBytes };
}

function invalid(reason: string): WavParse {
  return { status: "invalid", reason };
}

function ascii(buf: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...buf.subarray(start, end));
}

function printable(buf: Uint8Array, start: number, end: number): string {
  return Array.from(buf.subarray(start, end), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
}

function hex(buf: Uint8Array, start: number, end: number): string {
  return Array.from(buf.subarray(start, end), (b) => b.toString(16).padStart(2, "0")).join("");
}
