import type { AudioMeter, ResumePoint } from "../audio";

/**
 * A session's window on the stream's one meter. The stream shows every byte to the meter once and
 * owns its life; sessions only ask it about positions (a replacement asks about bytes an earlier
 * session already sent), so observing, releasing and destroying are not theirs to do.
 */
export class SessionMeterView implements AudioMeter {
  constructor(private readonly meter: AudioMeter) {}

  get approximate(): boolean {
    return this.meter.approximate;
  }

  observe(): void {}

  msForRange(offset: number, length: number): number {
    return this.meter.msForRange(offset, length);
  }

  bytesForMs(offset: number, ms: number): number {
    return this.meter.bytesForMs(offset, ms);
  }

  msAt(offset: number): number {
    return this.meter.msAt(offset);
  }

  resumeAtOrBefore(ms: number): ResumePoint | null {
    return this.meter.resumeAtOrBefore(ms);
  }

  header(): Uint8Array {
    return this.meter.header();
  }

  release(): void {}

  destroy(): void {}
}
