import type { Clock } from "../clock";

/**
 * Ends a stream after `limitMs` without audio: one timer per stream, re-armed from the last audio
 * when it fires rather than reset per chunk (0 = never).
 */
export class IdleTimer {
  private timer: unknown = null;
  private lastAudioAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly limitMs: number,
    private readonly onIdle: () => void,
  ) {
    this.lastAudioAt = clock.now();
    this.arm();
  }

  /** Audio came. */
  touch(): void {
    this.lastAudioAt = this.clock.now();
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.limitMs <= 0) return;
    const wait = Math.max(1, this.limitMs - (this.clock.now() - this.lastAudioAt));
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (this.clock.now() - this.lastAudioAt >= this.limitMs) this.onIdle();
      else this.arm();
    }, wait);
  }
}
