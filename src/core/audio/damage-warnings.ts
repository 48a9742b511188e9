import type { Clock } from "../clock";
import type { MessageKey } from "../errors";
import type { Damage } from "./sync-search";

/** What a clock meter tells about the damaged stretches its clock found its way past. */
export interface DamageListener {
  damaged(damage: Damage): void;
  /** The stream is over: say what is still held back. */
  ended(): void;
}

/** A stream's damage said at most once a minute, so a badly damaged stream does not flood the log. */
const INTERVAL_MS = 60_000;

/**
 * Warnings for one stream's damaged container audio: the first stretch at once, then at most one
 * warning a minute, each also counting the stretches held back since the one before; what is still
 * held when the stream ends is said then. So every stretch is said or counted.
 */
export class DamageWarnings implements DamageListener {
  private lastAt: number | null = null;
  private heldStretches = 0;
  private heldBytes = 0;

  constructor(
    private readonly container: string,
    private readonly clock: Clock,
    private readonly warn: (message: string, i18n: MessageKey) => void,
  ) {}

  damaged({ offset, bytes }: Damage): void {
    const now = this.clock.now();
    if (this.lastAt !== null && now - this.lastAt < INTERVAL_MS) {
      this.heldStretches++;
      this.heldBytes += bytes;
      return;
    }
    this.lastAt = now;
    const container = this.container;
    const said =
      `The ${container} audio is damaged at byte ${offset}: ${bytes} bytes there are not ${container} framing. The stream goes on, timed as before, ` +
      "but the audio around them may not be heard (decoders drop it, and some stop at damage in WebM or AAC); check what produces this audio.";
    if (this.heldStretches === 0) {
      this.warn(said, { key: "audio.damaged", params: { container, offset, bytes } });
      return;
    }
    const [count, total] = [this.heldStretches, this.heldBytes];
    this.heldStretches = this.heldBytes = 0;
    this.warn(`${said} Since the last such warning, ${count} more damaged stretches (${total} bytes) were passed.`, {
      key: "audio.damaged-more",
      params: { container, offset, bytes, count, total },
    });
  }

  ended(): void {
    if (this.heldStretches === 0) return;
    const [container, count, total] = [this.container, this.heldStretches, this.heldBytes];
    this.heldStretches = this.heldBytes = 0;
    this.warn(`The ${container} audio had ${count} more damaged stretches (${total} bytes) after the last warning about its damage.`, {
      key: "audio.damaged-held",
      params: { container, count, total },
    });
  }
}
