import type { ByteCursor } from "./byte-cursor";

/**
 * Skips an ID3v2 tag at the cursor (MP3 and ADTS files often start with one, and files joined
 * together carry one mid-stream). Returns true when a tag was skipped, false when there is none
 * here, null when more bytes are needed to tell. The version and the four size bytes (7 bits each)
 * must be a tag's, so stray "ID3" bytes in damaged audio are not taken for one.
 */
export function skipId3v2(cur: ByteCursor): boolean | null {
  if (cur.available < 10) return cur.available >= 3 && !(cur.at(0) === 0x49 && cur.at(1) === 0x44 && cur.at(2) === 0x33) ? false : null;
  if (!(cur.at(0) === 0x49 && cur.at(1) === 0x44 && cur.at(2) === 0x33)) return false;
  if (cur.at(3) < 2 || cur.at(3) > 4 || ((cur.at(6) | cur.at(7) | cur.at(8) | cur.at(9)) & 0x80) !== 0) return false;
  const size = ((cur.at(6) & 0x7f) << 21) | ((cur.at(7) & 0x7f) << 14) | ((cur.at(8) & 0x7f) << 7) | (cur.at(9) & 0x7f);
  const footer = (cur.at(5) & 0x10) !== 0 ? 10 : 0;
  cur.skip(10 + size + footer);
  return true;
}
