import type { AudioMeter, ResumePoint } from "./audio-meter";
import type { Clock } from "../clock";
import type { DurationProbe } from "./ffmpeg-probe";

/** How long container audio may wait for ffmpeg's first rate estimate before a guess is used. */
const ESTIMATE_GRACE_MS = 600;

/**
 * Compressed audio (MP3, Ogg, WebM, FLAC...) sent as-is: ffmpeg decodes a copy alongside to learn
 * how many bytes make a millisecond. Audio waits briefly for the first estimate rather than going
 * out at a guessed rate; if none comes (or ffmpeg fails), the assumed rate is used and flagged.
 */
export class ProbeMeter implements AudioMeter {
  private failed = false;
  private firstSeenAt: number | null = null;

  constructor(
    private readonly probe: DurationProbe,
    private readonly clock: Clock,
    private readonly assumedBytesPerMs: number,
    onChange: () => void,
    onFailure: (err: Error) => void,
  ) {
    probe.onProgress = onChange;
    probe.onError = (err) => {
      this.failed = true;
      probe.destroy();
      onFailure(err);
      onChange();
    };
  }

  get approximate(): boolean {
    return this.failed || this.probe.bytesPerMs() === null;
  }

  observe(chunk: Uint8Array): void {
    if (this.firstSeenAt === null) this.firstSeenAt = this.clock.now();
    if (!this.failed) this.probe.write(chunk);
  }

  msAt(offset: number): number {
    const rate = this.rate();
    return rate === null ? 0 : offset / rate;
  }

  msForRange(_offset: number, length: number): number {
    const rate = this.rate();
    return rate === null ? 0 : length / rate;
  }

  /** An average byte rate says nothing about where a decodable unit starts. */
  resumeAtOrBefore(): ResumePoint | null {
    return null;
  }

  header(): Uint8Array {
    return new Uint8Array(0);
  }

  release(): void {}

  bytesForMs(_offset: number, ms: number): number {
    const rate = this.rate();
    return rate === null ? 0 : Math.floor(ms * rate);
  }

  destroy(): void {
    this.probe.destroy();
  }

  /** Bytes per ms, or null while it is still worth waiting for ffmpeg's estimate. */
  private rate(): number | null {
    const known = this.failed ? null : this.probe.bytesPerMs();
    if (known !== null) return known;
    const waited = this.firstSeenAt === null ? 0 : this.clock.now() - this.firstSeenAt;
    return this.failed || waited >= ESTIMATE_GRACE_MS ? this.assumedBytesPerMs : null;
  }
}
