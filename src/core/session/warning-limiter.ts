import type { Clock } from "../clock";

interface Kind {
  suppressed: number;
  lastText: string;
  emittedAt: number;
}

/**
 * Warnings a server controls (one per binary or non-JSON frame) would otherwise flood the log:
 * 5,000 bad frames, 5,000 lines. Each kind is said once, then counted; the count is said at most
 * once per interval ("<this one> (N more like this suppressed)") and when the session ends ("N
 * more like this were suppressed: <the last>"), so every frame is either shown or counted.
 */
export class WarningLimiter {
  private readonly kinds = new Map<string, Kind>();

  constructor(
    private readonly clock: Clock,
    private readonly emit: (text: string) => void,
    private readonly intervalMs = 60000,
  ) {}

  warn(kind: string, text: string): void {
    const now = this.clock.now();
    const seen = this.kinds.get(kind);
    if (!seen) {
      this.kinds.set(kind, { suppressed: 0, lastText: text, emittedAt: now });
      this.emit(text);
      return;
    }
    if (now - seen.emittedAt >= this.intervalMs) {
      const more = seen.suppressed;
      seen.suppressed = 0;
      seen.emittedAt = now;
      this.emit(more > 0 ? `${text} (${more} more like this suppressed)` : text);
      return;
    }
    seen.suppressed++;
    seen.lastText = text;
  }

  /** Says what is still only counted; called once when the session ends. */
  flush(): void {
    for (const seen of this.kinds.values()) {
      if (seen.suppressed > 0) this.emit(`${seen.suppressed} more like this were suppressed: ${seen.lastText}`);
      seen.suppressed = 0;
    }
  }
}
