import type { ByteCursor } from "./byte-cursor";
import type { ClockIndex } from "./clock-index";
import type { ContainerClock } from "./clock-meter";

const EBML = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const BLOCK_GROUP = 0xa0;
const INFO = 0x1549a966;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const TIMECODE_SCALE = 0x2ad7b1;
const CLUSTER_TIMECODE = 0xe7;
const CODEC_DELAY = 0x56aa;
const DISCARD_PADDING = 0x75a2;
const SIMPLE_BLOCK = 0xa3;
const BLOCK = 0xa1;
/** Elements whose children are read in place; their size may be "unknown" (live WebM from MediaRecorder). */
const MASTERS = new Set([SEGMENT, CLUSTER, BLOCK_GROUP, INFO, TRACKS, TRACK_ENTRY]);
const UINTS = new Set([TIMECODE_SCALE, CLUSTER_TIMECODE, CODEC_DELAY, DISCARD_PADDING]);

/** Length of an EBML variable-size integer from its first byte (0 when invalid). */
function vintLength(first: number): number {
  for (let n = 1; n <= 8; n++) if (first & (0x80 >> (n - 1))) return n;
  return 0;
}

/**
 * Matroska / WebM: clusters carry a timecode, and every SimpleBlock or Block a timecode relative
 * to it, in units of TimecodeScale (1 ms by default), so each block's start time is exact. A
 * block's duration is the gap to the next one; the last block counts as long as the one before,
 * less its DiscardPadding.
 * Clusters are where decoding can resume (after the header: EBML, Segment, Info, Tracks).
 */
export class MatroskaClock implements ContainerClock {
  readonly name = "WebM/Matroska";
  readonly resendHeader = true;
  private scaleNs = 1_000_000;
  private clusterMs = 0;
  private codecDelayMs = 0;
  private clusterStart: number | null = null;
  private track: number | null = null;
  private lastBlockMs: number | null = null;

  read(cur: ByteCursor, index: ClockIndex): string | null {
    for (;;) {
      if (cur.available < 2) return null;
      const idLength = vintLength(cur.at(0));
      if (idLength === 0 || idLength > 4) return "an invalid Matroska element ID";
      if (cur.available < idLength + 1) return null;
      const sizeLength = vintLength(cur.at(idLength));
      if (sizeLength === 0) return "an invalid Matroska element size";
      const headLength = idLength + sizeLength;
      if (cur.available < headLength) return null;
      let id = 0;
      for (let i = 0; i < idLength; i++) id = id * 256 + cur.at(i);
      let size = cur.at(idLength) & (0xff >> sizeLength);
      let unknown = size === 0xff >> sizeLength;
      for (let i = 1; i < sizeLength; i++) {
        size = size * 256 + cur.at(idLength + i);
        unknown &&= cur.at(idLength + i) === 0xff;
      }
      const start = cur.pos;
      if (id === EBML && index.headerEnd !== null) return "a second WebM/Matroska file begins mid-stream (files joined); decoders stop at the end of the first";
      if (MASTERS.has(id)) {
        if (id === CLUSTER) {
          index.headerEnd ??= start;
          this.clusterStart = start;
        }
        cur.skip(headLength);
        continue;
      }
      if (unknown) return "a Matroska element of unknown size that should have one";
      if (UINTS.has(id)) {
        if (cur.available < headLength + size) return null;
        let value = 0;
        for (let i = 0; i < size; i++) value = value * 256 + cur.at(headLength + i);
        if (id === TIMECODE_SCALE) this.scaleNs = value;
        else if (id === CODEC_DELAY) this.codecDelayMs = value / 1e6;
        // Padding the encoder added to the end of the last block; decoders drop it.
        else if (id === DISCARD_PADDING) index.pendingMs = Math.max(0, index.pendingMs - value / 1e6);
        else this.clusterMs = (value * this.scaleNs) / 1e6;
      } else if (id === SIMPLE_BLOCK || id === BLOCK) {
        if (cur.available < headLength + 11) return null;
        if (!this.readBlock(cur.view(headLength + 11).subarray(headLength), start, index)) return "an unreadable Matroska block";
      }
      cur.skip(headLength + size);
    }
  }

  private readBlock(b: Uint8Array, start: number, index: ClockIndex): boolean {
    const trackLength = vintLength(b[0]);
    if (trackLength === 0) return false;
    let track = b[0] & (0xff >> trackLength);
    for (let i = 1; i < trackLength; i++) track = track * 256 + b[i];
    this.track ??= track;
    if (track !== this.track) return true;
    const relative = ((b[trackLength] << 24) >> 16) | b[trackLength + 1];
    // Decoders drop the codec delay (Opus pre-skip) from the start of the output.
    const ms = Math.max(0, this.clusterMs + (relative * this.scaleNs) / 1e6 - this.codecDelayMs);
    if (this.lastBlockMs !== null && ms > this.lastBlockMs) index.pendingMs = ms - this.lastBlockMs;
    this.lastBlockMs = ms;
    if (this.clusterStart !== null) index.mark(this.clusterStart, ms, true);
    this.clusterStart = null;
    index.mark(start, ms, false);
    return true;
  }
}
