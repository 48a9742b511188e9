import type { ByteCursor } from "./byte-cursor";
import type { ClockIndex } from "./clock-index";
import type { ContainerClock } from "./clock-meter";
import { skipId3v2 } from "./id3";
import { SyncSearch, type DamageReport } from "./sync-search";

const MAX_RESYNC_BYTES = 64 * 1024;
const RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

const rateIndexAt = (cur: ByteCursor, at: number): number => (cur.at(at + 2) >> 2) & 0x0f;

/** The length of the ADTS frame whose header is at `at`, or 0 when the bytes are not one (a number: asked for every frame). */
function frameLengthAt(cur: ByteCursor, at: number): number {
  const length = ((cur.at(at + 3) & 3) << 11) | (cur.at(at + 4) << 3) | (cur.at(at + 5) >> 5);
  if (cur.at(at) !== 0xff || (cur.at(at + 1) & 0xf6) !== 0xf0 || rateIndexAt(cur, at) >= RATES.length || length < 7) return 0;
  return length;
}

/**
 * AAC in ADTS: every frame header gives its length, sampling rate and count of 1024-sample blocks.
 * After damage, a header counts only when another follows where its length says, so a sync word
 * inside the damaged bytes is not taken for a frame.
 */
export class AdtsClock implements ContainerClock {
  readonly name = "AAC (ADTS)";
  readonly resendHeader = false;
  private ms = 0;
  private readonly search = new SyncSearch(MAX_RESYNC_BYTES);

  read(cur: ByteCursor, index: ClockIndex, damaged: DamageReport): string | null {
    for (;;) {
      if (index.headerEnd === null || cur.at(0) === 0x49) {
        const id3 = skipId3v2(cur);
        if (id3 === null) return null;
        if (id3) continue;
      }
      if (cur.available < 7) return null;
      const length = frameLengthAt(cur, 0);
      let confirmed = length > 0;
      if (length > 0 && this.search.searching && index.headerEnd !== null) {
        if (cur.available < length + 7) return null;
        confirmed = frameLengthAt(cur, length) > 0;
      }
      if (!confirmed) {
        if (!this.search.pass(cur)) return "no ADTS frame found where one should be";
        continue;
      }
      this.search.found(damaged, index.headerEnd !== null);
      const start = cur.pos;
      index.headerEnd ??= start;
      index.mark(start, this.ms, true);
      this.ms += (((cur.at(6) & 3) + 1) * 1024 * 1000) / RATES[rateIndexAt(cur, 0)];
      index.mark(start + length, this.ms, false);
      cur.skip(length);
    }
  }
}
