import type { ByteCursor } from "./byte-cursor";
import type { ClockIndex } from "./clock-index";
import type { ContainerClock } from "./clock-meter";
import type { DamageReport } from "./sync-search";

/** The longest frame header: sync 2, codes 2, sample number 7, block size 2, rate 2, CRC 1. */
const MAX_FRAME_HEADER = 16;
const MAX_METADATA_BYTES = 1024 * 1024;
/**
 * No frame that follows on within twice the largest frame STREAMINFO announces (this much when it
 * does not say), plus room for a damaged stretch: the stream is no longer one FLAC stream (e.g.
 * files joined).
 */
const UNKNOWN_MAX_FRAME_BYTES = 512 * 1024;
/** Damaged bytes inside a frame that a decoder drops and then goes on past, as the other clocks allow. */
const MAX_DAMAGE_BYTES = 64 * 1024;

/** FLAC's frame CRC-16 (polynomial 0x8005, MSB first): over a whole frame, footer included, it is 0. */
const CRC16 = new Uint16Array(256).map((_, n) => {
  let crc = n << 8;
  for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  return crc;
});

function crc8(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

interface FrameHeader {
  /** Frame number (fixed block size) or first sample number (variable). */
  number: number;
  variable: boolean;
  blockSize: number;
}

/** Parses a frame header at the start of `b` (which holds up to MAX_FRAME_HEADER bytes); null when it is not one. */
function parseFrameHeader(b: Uint8Array): FrameHeader | null {
  if (b.length < 6 || b[0] !== 0xff || (b[1] & 0xfe) !== 0xf8) return null;
  const sizeCode = b[2] >> 4;
  const rateCode = b[2] & 0x0f;
  if (sizeCode === 0 || rateCode === 15 || b[3] >> 4 >= 11 || (b[3] & 1) !== 0) return null;
  let at = 4;
  const lead = b[at];
  let extra = 0;
  while (extra < 7 && lead & (0x80 >> extra)) extra++;
  // A continuation byte cannot lead the coded number; only sample numbers (variable block size) take 7 bytes.
  if (extra === 1 || (extra === 7 && (b[1] & 1) === 0)) return null;
  let number = extra === 0 ? lead : lead & (0xff >> (extra + 1));
  const count = extra === 0 ? 1 : extra;
  if (at + count > b.length) return null;
  for (let i = 1; i < count; i++) {
    if ((b[at + i] & 0xc0) !== 0x80) return null;
    number = number * 64 + (b[at + i] & 0x3f);
  }
  at += count;
  let blockSize: number;
  if (sizeCode === 1) blockSize = 192;
  else if (sizeCode <= 5) blockSize = 576 << (sizeCode - 2);
  else if (sizeCode === 6) blockSize = b[at++] + 1;
  else if (sizeCode === 7) {
    blockSize = ((b[at] << 8) | b[at + 1]) + 1;
    at += 2;
  } else blockSize = 256 << (sizeCode - 8);
  if (rateCode === 12) at += 1;
  else if (rateCode === 13 || rateCode === 14) at += 2;
  if (at >= b.length || crc8(b.subarray(0, at)) !== b[at]) return null;
  return { number, variable: (b[1] & 1) === 1, blockSize };
}

/**
 * Native FLAC: STREAMINFO gives the sample rate and fixed block size; every frame header, found
 * by its sync code and checked by its CRC-8 and by its number following on, gives the frame's
 * first sample. A frame's byte length is only known when the next one is found, so the last
 * frame counts at the average rate up to its block size. Then its CRC-16 is checked too: a frame
 * that fails it was damaged (bytes spliced in or changed), and decoders drop it.
 */
export class FlacClock implements ContainerClock {
  readonly name = "FLAC";
  readonly resendHeader = true;
  private sampleRate = 0;
  private fixedBlock = 0;
  private nextSample: number | null = null;
  private lastFrameAt = 0;
  private maxGap = 2 * UNKNOWN_MAX_FRAME_BYTES + MAX_DAMAGE_BYTES;
  private metadataDone = false;
  /** CRC-16 of the bytes from the last frame's start up to where the scan stands. */
  private crc = 0;

  read(cur: ByteCursor, index: ClockIndex, damaged: DamageReport): string | null {
    if (!this.metadataDone) {
      const done = this.readMetadata(cur, index);
      if (done !== true) return done;
    }
    let i = 0;
    while (i + MAX_FRAME_HEADER <= cur.available) {
      if (cur.at(i) !== 0xff || (cur.at(i + 1) & 0xfe) !== 0xf8) {
        this.feed(cur.at(i++));
        continue;
      }
      const frame = parseFrameHeader(cur.view(i + MAX_FRAME_HEADER).subarray(i));
      const first = frame && (frame.variable ? frame.number : frame.number * (this.fixedBlock || frame.blockSize));
      if (frame === null || first === null || (this.nextSample !== null && first !== this.nextSample)) {
        this.feed(cur.at(i++));
        continue;
      }
      if (this.nextSample !== null && this.crc !== 0) damaged({ offset: this.lastFrameAt, bytes: cur.pos + i - this.lastFrameAt });
      this.crc = 0;
      index.mark(cur.pos + i, (first * 1000) / this.sampleRate, true);
      index.pendingMs = (frame.blockSize * 1000) / this.sampleRate;
      this.nextSample = first + frame.blockSize;
      this.lastFrameAt = cur.pos + i;
      this.feed(cur.at(i++));
      this.feed(cur.at(i++));
    }
    cur.skip(i);
    return cur.pos - this.lastFrameAt > this.maxGap ? "no FLAC frame follows on from the last one (a second file joined on?)" : null;
  }

  private feed(byte: number): void {
    this.crc = ((this.crc << 8) & 0xffff) ^ CRC16[(this.crc >> 8) ^ byte];
  }

  /** "fLaC", then metadata blocks; the last has the top bit of its type byte set. Returns true when all are read. */
  private readMetadata(cur: ByteCursor, index: ClockIndex): string | null | true {
    if (cur.pos === 0) {
      if (cur.available < 4) return null;
      if (String.fromCharCode(...cur.view(4)) !== "fLaC") return "the stream does not start with fLaC";
      cur.skip(4);
    }
    for (;;) {
      if (cur.pos > MAX_METADATA_BYTES) return "the FLAC metadata never ended";
      if (cur.available < 4) return null;
      const type = cur.at(0) & 0x7f;
      const last = (cur.at(0) & 0x80) !== 0;
      const length = (cur.at(1) << 16) | (cur.at(2) << 8) | cur.at(3);
      if (type === 0) {
        if (cur.available < 4 + 18) return null;
        const s = cur.view(22).subarray(4);
        const minBlock = (s[0] << 8) | s[1];
        const maxBlock = (s[2] << 8) | s[3];
        this.fixedBlock = minBlock === maxBlock ? minBlock : 0;
        const maxFrame = (s[7] << 16) | (s[8] << 8) | s[9];
        this.maxGap = 2 * (maxFrame || UNKNOWN_MAX_FRAME_BYTES) + MAX_DAMAGE_BYTES;
        this.sampleRate = (s[10] << 12) | (s[11] << 4) | (s[12] >> 4);
        if (this.sampleRate === 0) return "FLAC STREAMINFO gives no sample rate";
      }
      cur.skip(4 + length);
      if (last) break;
    }
    if (this.sampleRate === 0) return "FLAC metadata has no STREAMINFO";
    this.metadataDone = true;
    index.headerEnd = cur.pos;
    this.lastFrameAt = cur.pos;
    return true;
  }
}
