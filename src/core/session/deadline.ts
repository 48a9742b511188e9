import type { Clock } from "../clock";

/** A timer that fires once unless cleared first (a session's connect and finish timeouts). */
export class Deadline {
  private timer: unknown = null;

  constructor(private readonly clock: Clock) {}

  arm(ms: number, expire: () => void): void {
    this.clear();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      expire();
    }, ms);
  }

  clear(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
