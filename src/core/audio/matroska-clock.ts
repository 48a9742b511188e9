import type { ByteCursor } from "./byte-cursor";
import type { ClockIndex } from "./clock-index";
import type { ContainerClock } from "./clock-meter";
import { SyncSearch, type DamageReport } from "./sync-search";

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
/** Past the header, no element but a top-level one is larger than this: a larger size was read from damaged bytes. */
const MAX_INNER_BYTES = 64 * 1024;
const NUMBER: readonly [number, number] = [1, 8];
const INNER: readonly [number, number] = [0, MAX_INNER_BYTES];
/**
 * Every element that may follow the first Cluster, with the sizes it can have: top-level elements
 * (4-byte IDs, any size), Void and CRC-32, and the children of Cluster and BlockGroup. Anything
 * else there is damage, not an element to skip by a size read from damaged bytes.
 */
const AFTER_HEADER = new Map<number, readonly [number, number]>([
  ...[CLUSTER, 0x1c53bb6b, 0x1254c367, 0x114d9b74, 0x1043a770, 0x1941a469, INFO, TRACKS].map((id) => [id, [0, Infinity]] as const),
  [0xec, INNER],
  [0xbf, [4, 4]],
  ...[CLUSTER_TIMECODE, 0xa7, 0xab, 0x9b, 0xfa, 0xfb, 0xfd, DISCARD_PADDING].map((id) => [id, NUMBER] as const),
  ...[SIMPLE_BLOCK, BLOCK].map((id) => [id, [4, MAX_INNER_BYTES]] as const),
  ...[0x5854, BLOCK_GROUP, 0xaf, 0xa2, 0x75a1, 0xa4, 0x8e].map((id) => [id, INNER] as const),
]);
/** Past this many bytes without an element that makes sense the stream is not Matroska any more. */
const MAX_RESYNC_BYTES = 64 * 1024;

/** Length of an EBML variable-size integer from its first byte (0 when invalid). */
function vintLength(first: number): number {
  for (let n = 1; n <= 8; n++) if (first & (0x80 >> (n - 1))) return n;
  return 0;
}

interface ElementHead {
  id: number;
  size: number;
  /** The size field is all ones: "unknown" (live WebM's Segment and Clusters). */
  unknown: boolean;
  headLength: number;
}

const newHead = (): ElementHead => ({ id: 0, size: 0, unknown: false, headLength: 0 });

/**
 * The element head at `at` in the cursor, written into `into` (a clock reads several per block,
 * dozens of blocks a second per stream: no object each time): null when more bytes are needed, a
 * reason when the bytes cannot be one.
 */
function readElementHead(cur: ByteCursor, at: number, into: ElementHead): ElementHead | string | null {
  if (cur.available < at + 2) return null;
  const idLength = vintLength(cur.at(at));
  if (idLength === 0 || idLength > 4) return "an invalid Matroska element ID";
  if (cur.available < at + idLength + 1) return null;
  const sizeLength = vintLength(cur.at(at + idLength));
  if (sizeLength === 0) return "an invalid Matroska element size";
  const headLength = idLength + sizeLength;
  if (cur.available < at + headLength) return null;
  let id = 0;
  for (let i = 0; i < idLength; i++) id = id * 256 + cur.at(at + i);
  let size = cur.at(at + idLength) & (0xff >> sizeLength);
  let unknown = size === 0xff >> sizeLength;
  for (let i = 1; i < sizeLength; i++) {
    size = size * 256 + cur.at(at + idLength + i);
    unknown &&= cur.at(at + idLength + i) === 0xff;
  }
  into.id = id;
  into.size = size;
  into.unknown = unknown;
  into.headLength = headLength;
  return into;
}

/**
 * Matroska / WebM: clusters carry a timecode, and every SimpleBlock or Block a timecode relative
 * to it, in units of TimecodeScale (1 ms by default), so each block's start time is exact. A
 * block's duration is the gap to the next one; the last block counts as long as the one before,
 * less its DiscardPadding.
 * Clusters are where decoding can resume (after the header: EBML, Segment, Info, Tracks).
 * After damage the clock searches on for a Cluster, or a SimpleBlock of its track that another
 * element follows, and goes on from there.
 */
export class MatroskaClock implements ContainerClock {
  readonly name = "WebM/Matroska";
  readonly resendHeader = true;
  private scaleNs = 1_000_000;
  private clusterMs = 0;
  private codecDelayMs = 0;
  private clusterStart: number | null = null;
  private track: number | null = null;
  /** -1 before the first block: a number field, not null, so a block's time is stored without a new heap number per block. */
  private lastBlockMs = -1;
  private readonly search = new SyncSearch(MAX_RESYNC_BYTES);
  /** The head being read, and one read ahead of it to confirm a resume point. */
  private readonly head = newHead();
  private readonly ahead = newHead();

  read(cur: ByteCursor, index: ClockIndex, damaged: DamageReport): string | null {
    for (;;) {
      const head = readElementHead(cur, 0, this.head);
      if (head === null) return null;
      if (typeof head === "string") {
        if (index.headerEnd === null) return head;
        if (!this.search.pass(cur)) return `${head} (no element made sense for ${MAX_RESYNC_BYTES} bytes)`;
        continue;
      }
      const { id, size, unknown, headLength } = head;
      if (id === EBML && index.headerEnd !== null) return "a second WebM/Matroska file begins mid-stream (files joined); decoders stop at the end of the first";
      if (index.headerEnd !== null) {
        const verdict = this.search.searching ? this.resumesHere(cur, head) : this.plausible(head);
        if (verdict === null) return null;
        if (!verdict) {
          if (!this.search.pass(cur)) return `no Matroska element made sense for ${MAX_RESYNC_BYTES} bytes`;
          continue;
        }
        this.search.found(damaged, true);
      }
      const start = cur.pos;
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
        if (!this.readBlock(cur, headLength, start, index)) {
          if (index.headerEnd === null) return "an unreadable Matroska block";
          if (!this.search.pass(cur)) return `no Matroska element made sense for ${MAX_RESYNC_BYTES} bytes`;
          continue;
        }
      }
      cur.skip(headLength + size);
    }
  }

  /** After the header: whether an element head read where one should be is one (else the bytes are damaged). */
  private plausible(h: ElementHead): boolean {
    const sizes = AFTER_HEADER.get(h.id);
    if (sizes === undefined) return false;
    if (h.unknown) return h.id === CLUSTER;
    return h.size >= sizes[0] && h.size <= sizes[1];
  }

  /**
   * Searching past damage: a Cluster is trusted at once (a 4-byte ID); a SimpleBlock only when it
   * is of this stream's track and an element that makes sense follows it. Null: more bytes needed.
   */
  private resumesHere(cur: ByteCursor, h: ElementHead): boolean | null {
    if (h.id === CLUSTER) return true;
    if (h.id !== SIMPLE_BLOCK || !this.plausible(h)) return false;
    if (cur.available < h.headLength + 1) return null;
    if (this.track !== null && cur.at(h.headLength) !== (0x80 | this.track)) return false;
    const next = h.headLength + h.size;
    if (cur.available < next + 12) return null;
    const after = readElementHead(cur, next, this.ahead);
    return after !== null && typeof after !== "string" && this.plausible(after);
  }

  /** The block whose body starts `at` bytes into the cursor (its 11 first bytes are there). */
  private readBlock(cur: ByteCursor, at: number, start: number, index: ClockIndex): boolean {
    const first = cur.at(at);
    const trackLength = vintLength(first);
    if (trackLength === 0) return false;
    let track = first & (0xff >> trackLength);
    for (let i = 1; i < trackLength; i++) track = track * 256 + cur.at(at + i);
    this.track ??= track;
    if (track !== this.track) return true;
    const relative = ((cur.at(at + trackLength) << 24) >> 16) | cur.at(at + trackLength + 1);
    // Decoders drop the codec delay (Opus pre-skip) from the start of the output.
    const ms = Math.max(0, this.clusterMs + (relative * this.scaleNs) / 1e6 - this.codecDelayMs);
    if (this.lastBlockMs >= 0 && ms > this.lastBlockMs) index.pendingMs = ms - this.lastBlockMs;
    this.lastBlockMs = ms;
    if (this.clusterStart !== null) index.mark(this.clusterStart, ms, true);
    this.clusterStart = null;
    index.mark(start, ms, false);
    return true;
  }
}
