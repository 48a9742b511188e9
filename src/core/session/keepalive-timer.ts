import type { Clock } from "../clock";

/** Soniox drops a stream after 20 s without audio or keepalive; this leaves room for a slow network. */
export const MAX_KEEPALIVE_MS = 15000;
/**
 * How soon to ask again when the owner sent nothing: what waits to go out is held by a full
 * socket, which can last seconds, so asking every millisecond would spin.
 */
const RECHECK_MS = 100;

/**
 * Says when a stream has been quiet for the keepalive interval (capped at MAX_KEEPALIVE_MS). One
 * timer, re-armed from the last activity: no timer work per audio chunk.
 */
export class KeepaliveTimer {
  readonly intervalMs: number;
  private lastActivityAt = 0;
  private timer: unknown = null;
  private running = false;

  /**
   * `quiet` runs each time nothing went out for the interval and decides whether to send; when it
   * sends nothing (something else is waiting to go out), it runs again RECHECK_MS later.
   */
  constructor(private readonly clock: Clock, intervalMs: number, private readonly quiet: () => void) {
    this.intervalMs = Math.min(intervalMs, MAX_KEEPALIVE_MS);
  }

  /** Something went out now (audio, a keepalive, the start message). */
  touch(): void {
    this.lastActivityAt = this.clock.now();
  }

  /** Counts from now. */
  start(): void {
    this.stop();
    this.running = true;
    this.touch();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (this.clock.now() - this.lastActivityAt >= this.intervalMs) this.quiet();
      // `quiet` may have stopped it (the session closed): then it stays stopped.
      if (this.running) this.schedule();
    }, this.dueIn());
  }

  private dueIn(): number {
    const due = this.intervalMs - (this.clock.now() - this.lastActivityAt);
    return due > 0 ? due : RECHECK_MS;
  }
}
