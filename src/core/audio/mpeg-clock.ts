import type { ByteCursor } from "./byte-cursor";
import type { ClockIndex } from "./clock-index";
import type { ContainerClock } from "./clock-meter";
import { skipId3v2 } from "./id3";
import { isTagMark, parseMpegFrame, readXingTag, type MpegFrame } from "./mpeg-frame";
import { SyncSearch, type DamageReport } from "./sync-search";

/** Past this many bytes without a frame header the stream is not MPEG audio any more. */
const MAX_RESYNC_BYTES = 64 * 1024;
/** Decoders (ffmpeg, LAME's own) output this many samples of delay on top of the encoder's. */
const DECODER_DELAY = 529;

/**
 * MPEG audio (MP3, and Layers I/II): each frame header gives the frame's length and sample count,
 * so time is exact at every frame, CBR or VBR. A leading ID3v2 tag is skipped. A Xing/Info first
 * frame holds no audio; its LAME tag's encoder delay and padding are trimmed the way decoders trim them.
 * After damage, a header counts only when another follows where its length says, so a sync word
 * inside the damaged bytes is not taken for a frame.
 */
export class MpegClock implements ContainerClock {
  readonly name = "MP3";
  readonly resendHeader = false;
  private samples = 0;
  /** Output time after `samples` (see advance). */
  private endMs = 0;
  private sampleRate = 0;
  private startSkip = 0;
  /** Decoded samples the tag declares, and the first of them decoders drop as padding (null without a LAME tag). */
  private declared = Infinity;
  private endSample = Infinity;
  private first = true;
  private readonly search = new SyncSearch(MAX_RESYNC_BYTES);

  read(cur: ByteCursor, index: ClockIndex, damaged: DamageReport): string | null {
    for (;;) {
      if ((this.first && index.headerEnd === null) || cur.at(0) === 0x49) {
        const id3 = skipId3v2(cur);
        if (id3 === null) return null;
        if (id3) continue;
      }
      if (cur.available < 4) return null;
      const frame = parseMpegFrame(cur.at(0), cur.at(1), cur.at(2), cur.at(3));
      let confirmed = frame !== null;
      if (frame !== null && this.search.searching && index.headerEnd !== null) {
        if (cur.available < frame.length + 4) return null;
        const n = frame.length;
        confirmed = parseMpegFrame(cur.at(n), cur.at(n + 1), cur.at(n + 2), cur.at(n + 3)) !== null;
      }
      if (frame === null || !confirmed) {
        if (!this.search.pass(cur)) return "no MPEG audio frame found where one should be";
        continue;
      }
      if (this.first) {
        if (cur.available < frame.length) return null;
        this.first = false;
        this.sampleRate = frame.sampleRate;
        if (this.readTag(cur.view(frame.length), frame)) {
          cur.skip(frame.length);
          continue;
        }
      }
      this.search.found(damaged, index.headerEnd !== null);
      // Joined files carry the next file's tag frame mid-stream: no audio in it either.
      if (cur.available < frame.tagOffset + 4) return null;
      const t = frame.tagOffset;
      if (isTagMark(cur.at(t), cur.at(t + 1), cur.at(t + 2), cur.at(t + 3))) {
        cur.skip(frame.length);
        continue;
      }
      const start = cur.pos;
      index.headerEnd ??= start;
      // A frame starts where the one before ended: its start time is that end time, kept.
      index.mark(start, this.endMs, true);
      this.samples += frame.samples;
      this.advance();
      index.mark(start + frame.length, this.endMs, false);
      cur.skip(frame.length);
    }
  }

  private readTag(bytes: Uint8Array, frame: MpegFrame): boolean {
    const tag = readXingTag(bytes, frame.tagOffset);
    if (tag === null) return false;
    if (tag.delay !== null) {
      this.startSkip = tag.delay + DECODER_DELAY;
      if (tag.frames !== null && tag.padding !== null) {
        this.declared = tag.frames * frame.samples;
        this.endSample = this.declared - tag.padding + DECODER_DELAY;
      }
    }
    return true;
  }

  /**
   * Output time after the samples decoded so far, with the encoder's delay and padding trimmed.
   * Frames past those the tag declares (files joined together, a radio stream) count in full.
   * Kept in a field rather than returned: a fractional time returned from a call is a new heap
   * number, two per frame.
   */
  private advance(): void {
    const samples = this.samples;
    const inTag = Math.min(samples, this.declared);
    const kept = Math.max(0, Math.min(inTag, this.endSample) - this.startSkip) + (samples - inTag);
    this.endMs = (kept * 1000) / this.sampleRate;
  }
}
