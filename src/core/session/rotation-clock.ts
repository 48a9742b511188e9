import type { Clock } from "../clock";
import type { RotationPolicy } from "./stream-types";

/**
 * "waiting": the current session is younger than the rotation age. "grace": it is due, and a
 * quiet moment (endpoint, finalize, pause) is awaited up to the grace. "overdue": the grace is
 * over and a rotation was tried. "retry": a due rotation could not start and is tried again in a
 * second.
 */
export type RotationPhase = "off" | "waiting" | "grace" | "overdue" | "retry";

/** How long a due rotation that could not start (a reconnect under way, audio still queued) waits before the next try. */
const RETRY_MS = 1000;

/** When the current session should be rotated: its age (wall clock, pauses included), the grace, the retries. */
export class RotationClock {
  private phaseValue: RotationPhase = "off";
  private timer: unknown = null;

  /**
   * `due` is called when the age is reached (rotate now only if the session is quiet), `force`
   * when the grace is over or a retry is up.
   */
  constructor(
    private readonly clock: Clock,
    private readonly policy: RotationPolicy,
    private readonly handlers: { due: () => void; force: () => void },
  ) {}

  get phase(): RotationPhase {
    return this.phaseValue;
  }

  /** A rotation is due: take the next quiet moment. */
  get due(): boolean {
    return this.phaseValue !== "off" && this.phaseValue !== "waiting";
  }

  /** A new session started: count its age from now. */
  arm(): void {
    this.stop();
    const { afterMs, graceMs } = this.policy;
    if (afterMs <= 0) return;
    this.phaseValue = "waiting";
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.phaseValue = "grace";
      this.handlers.due();
      // Unless the session rotated (arm) or a retry was scheduled in the meantime.
      if (this.phaseValue !== "grace" || this.timer !== null) return;
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        this.phaseValue = "overdue";
        this.handlers.force();
      }, graceMs);
    }, afterMs);
  }

  /** A due rotation could not start now: try again shortly, unless a grace timer will. */
  retryLater(): void {
    if (!this.due || this.timer !== null) return;
    this.phaseValue = "retry";
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.phaseValue = "overdue";
      this.handlers.force();
    }, RETRY_MS);
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.phaseValue = "off";
  }
}
