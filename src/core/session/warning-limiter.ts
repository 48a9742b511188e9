import type { Clock } from "../clock";
import type { KeyedText, MessageKey } from "../errors";

interface Kind {
  suppressed: number;
  last: KeyedText;
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
    private readonly emit: (text: string, i18n: MessageKey) => void,
    private readonly intervalMs = 60000,
  ) {}

  warn(kind: string, said: KeyedText): void {
    const now = this.clock.now();
    const seen = this.kinds.get(kind);
    if (!seen) {
      this.kinds.set(kind, { suppressed: 0, last: said, emittedAt: now });
      this.emit(said.text, said.i18n);
      return;
    }
    if (now - seen.emittedAt >= this.intervalMs) {
      const more = seen.suppressed;
      seen.suppressed = 0;
      seen.emittedAt = now;
      if (more === 0) this.emit(said.text, said.i18n);
      else this.emit(`${said.text} (${more} more like this suppressed)`, { key: "session.warning-repeated", params: { count: more }, parts: { warning: part(said) } });
      return;
    }
    seen.suppressed++;
    seen.last = said;
  }

  /** Says what is still only counted; called once when the session ends. */
  flush(): void {
    for (const seen of this.kinds.values()) {
      if (seen.suppressed > 0) {
        const { suppressed, last } = seen;
        this.emit(`${suppressed} more like this were suppressed: ${last.text}`, { key: "session.warnings-suppressed", params: { count: suppressed }, parts: { warning: part(last) } });
      }
      seen.suppressed = 0;
    }
  }
}

const part = ({ text, i18n }: KeyedText) => ({ text, key: i18n.key, params: i18n.params });
