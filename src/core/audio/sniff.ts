/**
 * Container detection from the first bytes of a stream, for audio_format "auto": tells apart the
 * containers Soniox decodes itself from raw PCM/G.711, which has no header and must be described.
 *
 * Magic numbers are unambiguous. The headerless MPEG formats (MP3 without ID3, ADTS AAC) are not:
 * their frame sync (eleven or twelve 1-bits) also occurs in raw audio, e.g. the s16le sample
 * -3329 is the bytes FF F2. So a bare frame sync is trusted only at offset 0, only with valid
 * bitrate and sample-rate fields, and only if a second frame header sits exactly where the first
 * frame's length says. Residual risk: raw audio whose bytes form two such headers by chance (not
 * seen at any offset of the raw fixtures), and a head shorter than SNIFF_HEAD_BYTES, where a single
 * plausible header is trusted when the second frame lies beyond the head (with 512-byte heads,
 * about 1 in 6,000 offsets of the raw fixtures matched). Callers should
 * accumulate SNIFF_HEAD_BYTES (or the whole stream, if shorter) before sniffing.
 */
import type { ContainerFormat } from "./audio-format";

export type SniffResult = ContainerFormat | null;

/** Head length that lets every check run, including the second-frame check for MP3 and ADTS. */
export const SNIFF_HEAD_BYTES = 4096;

const ASF_HEADER_GUID = [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c];
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];
const ID3_HEADER_BYTES = 10;

/**
 * The containers named by magic at the start of the bytes, which raw audio does not begin with by
 * chance (unlike a bare MPEG/ADTS frame sync): each magic, then what the head after it says.
 */
const MAGIC: readonly { magic: readonly number[]; container: (head: Uint8Array) => SniffResult }[] = [
  { magic: bytesOf("RIFF"), container: riffWave },
  { magic: bytesOf("RIFX"), container: riffWave },
  { magic: bytesOf("RF64"), container: riffWave },
  { magic: bytesOf("FORM"), container: (head) => (startsWithText(head, 8, "AIFF") || startsWithText(head, 8, "AIFC") ? "aiff" : null) },
  { magic: bytesOf("OggS"), container: () => "ogg" },
  { magic: bytesOf("fLaC"), container: () => "flac" },
  { magic: bytesOf("#!AMR"), container: () => "amr" },
  // Matroska and WebM share the EBML magic; Soniox (like ffmpeg) demuxes both as webm.
  { magic: EBML_MAGIC, container: () => "webm" },
  { magic: ASF_HEADER_GUID, container: () => "asf" },
  { magic: bytesOf("ID3"), container: sniffAfterId3 },
];
// Most chunks checked (raw audio) are turned away by their first byte.
const MAGIC_FIRST_BYTES: ReadonlySet<number> = new Set(MAGIC.map((m) => m.magic[0]));

/** Identifies the container at the start of `head`, or null for raw audio / unknown data. */
export function sniffContainer(head: Uint8Array): SniffResult {
  const row = magicAt(head);
  return row ? row.container(head) : sniffFrameSync(head);
}

/**
 * The container whose magic starts `head`, or null: what sniffContainer finds except a bare frame
 * sync, so a chunk of raw audio that happens to look like an MPEG or ADTS frame is not named.
 */
export function containerByMagic(head: Uint8Array): SniffResult {
  return magicAt(head)?.container(head) ?? null;
}

function magicAt(head: Uint8Array): (typeof MAGIC)[number] | undefined {
  if (!MAGIC_FIRST_BYTES.has(head[0])) return undefined;
  return MAGIC.find((m) => startsWithBytes(head, m.magic));
}

function riffWave(head: Uint8Array): SniffResult {
  return startsWithText(head, 8, "WAVE") ? "wav" : null;
}

/** True when `head` starts with a container Soniox can detect by itself (audio_format "auto"). */
export function looksLikeContainer(head: Uint8Array): boolean {
  return sniffContainer(head) !== null;
}

/**
 * An ID3v2 tag mostly fronts MP3, but AAC (ADTS) and FLAC files carry one too, so look past it
 * when the head reaches that far.
 */
function sniffAfterId3(head: Uint8Array): SniffResult {
  if (head.length < ID3_HEADER_BYTES) return "mp3";
  const flags = head[5];
  const sizeBytes = head.subarray(6, 10);
  // The tag size is "syncsafe": 7 bits per byte, so a set top bit means this is not an ID3 header.
  if (sizeBytes.some((b) => b & 0x80)) return null;
  const tagSize = (sizeBytes[0] << 21) | (sizeBytes[1] << 14) | (sizeBytes[2] << 7) | sizeBytes[3];
  const hasFooter = (flags & 0x10) !== 0;
  const end = ID3_HEADER_BYTES + tagSize + (hasFooter ? ID3_HEADER_BYTES : 0);
  if (head.length <= end) return "mp3";
  const rest = head.subarray(end);
  if (startsWithText(rest, 0, "fLaC")) return "flac";
  return sniffFrameSync(rest) === "aac" ? "aac" : "mp3";
}

function sniffFrameSync(head: Uint8Array): SniffResult {
  const mpeg = mpegFrameLength(head, 0);
  if (mpeg !== null) {
    const next = (at: number) => sameMpegStream(head, 0, at) && mpegFrameLength(head, at) !== null;
    return secondHeaderAgrees(head, mpeg, MPEG_HEADER_BYTES, next) ? "mp3" : null;
  }
  const adts = adtsFrameLength(head, 0);
  if (adts !== null) {
    return secondHeaderAgrees(head, adts, ADTS_HEADER_BYTES, (at) => adtsFrameLength(head, at) !== null) ? "aac" : null;
  }
  return null;
}

/**
 * A second frame header must follow the first frame. Real first frames are well under
 * SNIFF_HEAD_BYTES (MP3 at most 1728 bytes, ADTS under 4 KB at any normal bitrate), so a frame
 * that overruns a full-size head is noise; only a caller that has less data than that gets the
 * benefit of the doubt on a single header.
 */
function secondHeaderAgrees(
  head: Uint8Array,
  frameLength: number,
  headerBytes: number,
  isHeaderAt: (at: number) => boolean,
): boolean {
  if (head.length >= frameLength + headerBytes) return isHeaderAt(frameLength);
  return head.length < SNIFF_HEAD_BYTES;
}

const MPEG_HEADER_BYTES = 4;
// Bitrates in kbit/s by bitrate index 1..14 (0 = free format and 15 = invalid are rejected).
const MPEG1_LAYER2_KBPS = [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384];
const MPEG1_LAYER3_KBPS = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG2_LAYER23_KBPS = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
// Sample rates by version bits (0 = MPEG 2.5, 2 = MPEG 2, 3 = MPEG 1) and sample-rate index 0..2.
const MPEG_SAMPLE_RATES: Readonly<Record<number, readonly number[]>> = {
  0: [11025, 12000, 8000],
  2: [22050, 24000, 16000],
  3: [44100, 48000, 32000],
};

/**
 * Length in bytes of the MPEG audio frame (Layer II or III) whose header starts at `at`, or null
 * when there is no plausible header there. Layer I is left out: it is rare, and its layer bits
 * (11) are what the common PCM bytes FF FF produce.
 */
function mpegFrameLength(buf: Uint8Array, at: number): number | null {
  if (buf.length < at + MPEG_HEADER_BYTES) return null;
  const [b0, b1, b2, b3] = [buf[at], buf[at + 1], buf[at + 2], buf[at + 3]];
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3; // 1 = Layer III, 2 = Layer II
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  const emphasis = b3 & 3;
  if (version === 1 || (layer !== 1 && layer !== 2)) return null;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3 || emphasis === 2) return null;

  const mpeg1 = version === 3;
  const table = mpeg1 ? (layer === 1 ? MPEG1_LAYER3_KBPS : MPEG1_LAYER2_KBPS) : MPEG2_LAYER23_KBPS;
  const bitrate = table[bitrateIndex - 1] * 1000;
  const sampleRate = MPEG_SAMPLE_RATES[version][rateIndex];
  const padding = (b2 >> 1) & 1;
  // Layer III frames of MPEG 2/2.5 hold 576 samples instead of 1152, hence the halved factor.
  const factor = layer === 1 && !mpeg1 ? 72 : 144;
  return Math.floor((factor * bitrate) / sampleRate) + padding;
}

/** Same version, layer and sample rate: consecutive frames of one stream never change these. */
function sameMpegStream(buf: Uint8Array, first: number, second: number): boolean {
  return (buf[first + 1] & 0xfe) === (buf[second + 1] & 0xfe) && (buf[first + 2] & 0x0c) === (buf[second + 2] & 0x0c);
}

const ADTS_HEADER_BYTES = 7;
const ADTS_SAMPLE_RATE_INDEXES = 13;

/** Length of the ADTS frame whose header starts at `at` (sync 0xFFF, layer 00), or null. */
function adtsFrameLength(buf: Uint8Array, at: number): number | null {
  if (buf.length < at + ADTS_HEADER_BYTES) return null;
  const [b0, b1, b2, b3, b4, b5] = [buf[at], buf[at + 1], buf[at + 2], buf[at + 3], buf[at + 4], buf[at + 5]];
  if (b0 !== 0xff || (b1 & 0xf6) !== 0xf0) return null;
  if (((b2 >> 2) & 0x0f) >= ADTS_SAMPLE_RATE_INDEXES) return null;
  const frameLength = ((b3 & 0x03) << 11) | (b4 << 3) | (b5 >> 5);
  const headerLength = b1 & 1 ? ADTS_HEADER_BYTES : ADTS_HEADER_BYTES + 2; // +2: CRC present
  return frameLength > headerLength ? frameLength : null;
}

function startsWithText(buf: Uint8Array, at: number, text: string): boolean {
  if (buf.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function bytesOf(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

function startsWithBytes(buf: Uint8Array, bytes: readonly number[]): boolean {
  return buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);
}
