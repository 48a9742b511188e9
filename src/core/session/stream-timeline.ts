import { resumePoint, type AudioMeter, type ContainerFormat, type StreamHead } from "../audio";
import type { ReplayLog } from "./replay-log";

/** A point in the stream where a fresh decoder can start, and the audio time there. */
export interface ResumePoint {
  offset: number;
  ms: number;
}

/**
 * What a meter that knows the stream's own clock adds (container clocks): the exact time at a
 * byte position, the resumable point at or before a time, the header a new decoder needs, and a
 * way to forget positions that will never be asked about again. Meters without it fall back to
 * their byte rate, which is exact for raw audio and WAV and a guess for other containers.
 */
export interface ClockedMeter extends AudioMeter {
  msAt(offset: number): number;
  resumeAtOrBefore(ms: number): ResumePoint | null;
  header(): Uint8Array | null;
  release(offset: number): void;
}

function isClocked(meter: AudioMeter): meter is ClockedMeter {
  const m = meter as Partial<ClockedMeter>;
  return typeof m.msAt === "function" && typeof m.resumeAtOrBefore === "function";
}

/** How far around a guessed position the fallback looks for a container resync point. */
const RESYNC_WINDOW_BYTES = 64 * 1024;

/**
 * The stream's one timeline: every session's timestamps are placed on it by the time of the byte
 * position where that session's audio began, so reconnects and rotations neither repeat nor skip
 * time.
 */
export class StreamTimeline {
  constructor(
    private readonly meter: AudioMeter,
    private readonly head: StreamHead,
    private readonly log: ReplayLog,
  ) {}

  /** True when positions and times come from the stream's own clock or an exact byte rate. */
  get exact(): boolean {
    return isClocked(this.meter) || !this.meter.approximate;
  }

  msAt(offset: number): number {
    if (isClocked(this.meter)) return this.meter.msAt(offset);
    return this.meter.msForRange(0, offset);
  }

  header(): Uint8Array | null {
    if (isClocked(this.meter)) return this.meter.header();
    return this.head.header;
  }

  /** The latest point at or before `ms` where a new session can start decoding. */
  resumeAtOrBefore(ms: number): ResumePoint | null {
    if (isClocked(this.meter)) return this.meter.resumeAtOrBefore(ms);
    const guess = this.meter.bytesForMs(0, Math.max(0, ms));
    if (!this.needsResync()) return { offset: guess, ms: this.msAt(guess) };
    const points = this.resyncPoints(guess - RESYNC_WINDOW_BYTES, guess + RESYNC_WINDOW_BYTES);
    const before = points.filter((p) => p <= guess).pop();
    return before === undefined ? null : { offset: before, ms: this.msAt(before) };
  }

  /** The earliest resumable point at or after `offset` that the log still holds. */
  resumeAtOrAfter(offset: number, end: number): ResumePoint | null {
    if (isClocked(this.meter)) {
      // Walk forward in time until the clock's resume point is no longer before `offset`.
      const startMs = this.msAt(offset);
      for (let step = 0; step <= 64; step++) {
        const p = this.meter.resumeAtOrBefore(startMs + step * 250);
        if (p && p.offset >= offset) return p;
      }
      return null;
    }
    if (!this.needsResync()) {
      const aligned = this.meter.bytesForMs(0, this.msAt(offset));
      const at = aligned < offset ? this.meter.bytesForMs(0, this.msAt(offset) + 1) : aligned;
      return { offset: at, ms: this.msAt(at) };
    }
    const first = this.resyncPoints(offset, end)[0];
    return first === undefined ? null : { offset: first, ms: this.msAt(first) };
  }

  release(offset: number): void {
    if (isClocked(this.meter)) this.meter.release(offset);
  }

  private needsResync(): boolean {
    const kind = this.head.kind;
    return kind !== null && kind !== "raw" && kind !== "unknown" && kind !== "wav";
  }

  /** Frame or page starts found in the logged bytes between two positions. */
  private resyncPoints(from: number, to: number): number[] {
    const chunks = this.log.slice(Math.max(0, from), to);
    if (chunks.length === 0) return [];
    const start = chunks[0].offset;
    const bytes = Buffer.concat(chunks.map((c) => c.data));
    const kind = this.head.kind as ContainerFormat;
    const points: number[] = [];
    for (let at = 0; at < bytes.length; ) {
      const found = resumePoint(kind, bytes.subarray(at));
      if (found < 0) break;
      points.push(start + at + found);
      at += found + 1;
    }
    return points;
  }
}
