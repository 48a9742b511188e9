import type { ByteCursor } from "./byte-cursor";
import type { ClockIndex } from "./clock-index";
import type { ContainerClock } from "./clock-meter";
import { SyncSearch, type DamageReport } from "./sync-search";

/** Past this many bytes without an "OggS" capture pattern the stream is not Ogg any more. */
const MAX_RESYNC_BYTES = 64 * 1024;

type Codec = { name: string; rate: number; preSkip: number };

/** Reads the codec's identification packet at the start of the first page body. */
function identify(body: Uint8Array): Codec | null {
  const text = (from: number, n: number) => String.fromCharCode(...body.subarray(from, from + n));
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (body.length >= 19 && text(0, 8) === "OpusHead") {
    // Opus granules count 48 kHz samples whatever the input rate; the first pre-skip ones are not output.
    return { name: "Opus", rate: 48000, preSkip: dv.getUint16(10, true) };
  }
  if (body.length >= 16 && body[0] === 1 && text(1, 6) === "vorbis") return { name: "Vorbis", rate: dv.getUint32(12, true), preSkip: 0 };
  if (body.length >= 30 && body[0] === 0x7f && text(1, 4) === "FLAC") {
    // STREAMINFO follows "fLaC" and its 4-byte block header; the rate is 20 bits, 10 bytes in.
    const si = 17;
    return { name: "FLAC", rate: (body[si + 10] << 12) | (body[si + 11] << 4) | (body[si + 12] >> 4), preSkip: 0 };
  }
  return null;
}

/**
 * Ogg (Opus, Vorbis, FLAC): every page header carries the granule position, the count of samples
 * decoded by the end of the page, so a page's end time is exact. Pages whose first packet is
 * fresh (not continued from the page before) are where decoding can resume. A chained stream
 * (one link after another, as internet radio sends) goes on timing each link after the last.
 */
export class OggClock implements ContainerClock {
  readonly name = "Ogg";
  readonly resendHeader = true;
  private codec: Codec | null = null;
  private serial: number | null = null;
  private lastMs = 0;
  /** Time at which the current chained stream began (0 for the first). */
  private chainStartMs = 0;
  /** A later link of a chained stream (internet radio): it has its own header, so it is no resume point. */
  private chained = false;
  private inChainHeader = false;
  private readonly search = new SyncSearch(MAX_RESYNC_BYTES);

  read(cur: ByteCursor, index: ClockIndex, damaged: DamageReport): string | null {
    for (;;) {
      if (cur.available < 27) return null;
      if (cur.at(0) !== 0x4f || cur.at(1) !== 0x67 || cur.at(2) !== 0x67 || cur.at(3) !== 0x53 || cur.at(4) !== 0) {
        if (!this.search.pass(cur)) return "no Ogg page found where one should be";
        continue;
      }
      const segments = cur.at(26);
      if (cur.available < 27 + segments) return null;
      let body = 0;
      for (let i = 0; i < segments; i++) body += cur.at(27 + i);
      const length = 27 + segments + body;
      const serial = cur.uint32le(14);
      const lo = cur.uint32le(6);
      const hi = cur.uint32le(10);
      const continued = (cur.at(5) & 1) !== 0;
      const firstOfStream = (cur.at(5) & 2) !== 0;
      this.search.found(damaged, this.codec !== null);
      // A first page before any audio is another stream multiplexed alongside (skipped); after audio, the next link of a chain.
      if (this.codec === null || (firstOfStream && index.headerEnd !== null)) {
        if (cur.available < length) return null;
        const codec = identify(cur.view(length).subarray(27 + segments));
        if (codec === null) return "the Ogg stream holds a codec other than Opus, Vorbis or FLAC";
        if (this.codec !== null) {
          this.chained = true;
          this.inChainHeader = true;
          this.chainStartMs = this.lastMs;
        }
        this.codec = codec;
        this.serial = serial;
        cur.skip(length);
        continue;
      }
      const start = cur.pos;
      cur.skip(length);
      if (serial !== this.serial) continue;
      const granuleZero = lo === 0 && hi === 0;
      if (index.headerEnd === null || this.inChainHeader) {
        if (granuleZero) continue;
        index.headerEnd ??= start;
        this.inChainHeader = false;
      }
      index.mark(start, this.lastMs, !continued && !this.chained);
      if (lo === 0xffffffff && hi === 0xffffffff) continue;
      const samples = hi * 2 ** 32 + lo - this.codec.preSkip;
      this.lastMs = this.chainStartMs + Math.max(0, (samples * 1000) / this.codec.rate);
      index.mark(start + length, this.lastMs, false);
    }
  }
}
