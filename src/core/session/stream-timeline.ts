import type { AudioMeter, ResumePoint } from "../audio";

/** How far past a position the forward search for a resume point looks, in steps of its time. */
const FORWARD_STEPS = 64;
const FORWARD_STEP_MS = 250;

/**
 * The stream's one timeline, read from its meter (the stream's own clock: exact for raw audio,
 * WAV and the containers with clocks): every session's timestamps are placed on it by the time of
 * the byte position where that session's audio began, so reconnects and rotations neither repeat
 * nor skip time.
 */
export class StreamTimeline {
  constructor(private readonly meter: AudioMeter) {}

  msAt(offset: number): number {
    return this.meter.msAt(offset);
  }

  /** The header a replacement needs before mid-stream audio; null when the format has none. */
  header(): Uint8Array | null {
    const header = this.meter.header();
    return header.length > 0 ? header : null;
  }

  /** The latest point at or before `ms` where a new session can start decoding. */
  resumeAtOrBefore(ms: number): ResumePoint | null {
    return this.meter.resumeAtOrBefore(ms);
  }

  /**
   * The earliest resume point at or after `offset` (when the audio before it is gone), found by
   * walking forward in time; null when none is known within the search.
   */
  resumeAtOrAfter(offset: number): ResumePoint | null {
    const startMs = this.msAt(offset);
    for (let step = 0; step <= FORWARD_STEPS; step++) {
      const point = this.meter.resumeAtOrBefore(startMs + step * FORWARD_STEP_MS);
      if (point && point.offset >= offset) return point;
    }
    return null;
  }

  release(offset: number): void {
    this.meter.release(offset);
  }
}
