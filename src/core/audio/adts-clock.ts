import type { ByteCursor } from "./byte-cursor";
import type { ClockIndex } from "./clock-index";
import type { ContainerClock } from "./clock-meter";
import { skipId3v2 } from "./id3";

const MAX_RESYNC_BYTES = 64 * 1024;
const RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** AAC in ADTS: every frame header gives its length, sampling rate and count of 1024-sample blocks. */
export class AdtsClock implements ContainerClock {
  readonly name = "AAC (ADTS)";
  readonly resendHeader = false;
  private ms = 0;
  private resync = 0;

  read(cur: ByteCursor, index: ClockIndex): string | null {
    for (;;) {
      if (index.headerEnd === null) {
        const id3 = skipId3v2(cur);
        if (id3 === null) return null;
        if (id3) continue;
      }
      if (cur.available < 7) return null;
      const rateIndex = (cur.at(2) >> 2) & 0x0f;
      const length = ((cur.at(3) & 3) << 11) | (cur.at(4) << 3) | (cur.at(5) >> 5);
      if (cur.at(0) !== 0xff || (cur.at(1) & 0xf6) !== 0xf0 || rateIndex >= RATES.length || length < 7) {
        cur.skip(1);
        if (++this.resync > MAX_RESYNC_BYTES) return "no ADTS frame found where one should be";
        continue;
      }
      this.resync = 0;
      const start = cur.pos;
      index.headerEnd ??= start;
      index.mark(start, this.ms, true);
      this.ms += (((cur.at(6) & 3) + 1) * 1024 * 1000) / RATES[rateIndex];
      index.mark(start + length, this.ms, false);
      cur.skip(length);
    }
  }
}
