import type { ByteCursor } from "./byte-cursor";
import type { ClockIndex } from "./clock-index";
import type { ContainerClock } from "./clock-meter";
import { skipId3v2 } from "./id3";
import { isTagFrame, parseMpegFrame, readXingTag, type MpegFrame } from "./mpeg-frame";

/** Past this many bytes without a frame header the stream is not MPEG audio any more. */
const MAX_RESYNC_BYTES = 64 * 1024;
/** Decoders (ffmpeg, LAME's own) output this many samples of delay on top of the encoder's. */
const DECODER_DELAY = 529;

/**
 * MPEG audio (MP3, and Layers I/II): each frame header gives the frame's length and sample count,
 * so time is exact at every frame, CBR or VBR. A leading ID3v2 tag is skipped. A Xing/Info first
 * frame holds no audio; its LAME tag's encoder delay and padding are trimmed the way decoders trim them.
 */
export class MpegClock implements ContainerClock {
  readonly name = "MP3";
  readonly resendHeader = false;
  private samples = 0;
  private sampleRate = 0;
  private startSkip = 0;
  /** Decoded samples the tag declares, and the first of them decoders drop as padding (null without a LAME tag). */
  private declared = Infinity;
  private endSample = Infinity;
  private first = true;
  private resync = 0;

  read(cur: ByteCursor, index: ClockIndex): string | null {
    for (;;) {
      if (this.first && index.headerEnd === null) {
        const id3 = skipId3v2(cur);
        if (id3 === null) return null;
        if (id3) continue;
      }
      if (cur.available < 4) return null;
      const frame = parseMpegFrame(cur.at(0), cur.at(1), cur.at(2), cur.at(3));
      if (frame === null) {
        cur.skip(1);
        if (++this.resync > MAX_RESYNC_BYTES) return "no MPEG audio frame found where one should be";
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
      this.resync = 0;
      // Joined files carry the next file's tag frame mid-stream: no audio in it either.
      if (cur.available < frame.tagOffset + 4) return null;
      if (isTagFrame(cur.view(frame.tagOffset + 4), frame.tagOffset)) {
        cur.skip(frame.length);
        continue;
      }
      const start = cur.pos;
      index.headerEnd ??= start;
      index.mark(start, this.msAfter(this.samples), true);
      this.samples += frame.samples;
      index.mark(start + frame.length, this.msAfter(this.samples), false);
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
   * Output time after `samples` decoded samples, with the encoder's delay and padding trimmed.
   * Frames past those the tag declares (files joined together, a radio stream) count in full.
   */
  private msAfter(samples: number): number {
    const inTag = Math.min(samples, this.declared);
    const kept = Math.max(0, Math.min(inTag, this.endSample) - this.startSkip) + (samples - inTag);
    return (kept * 1000) / this.sampleRate;
  }
}
