import type { FormatGate, SoxProps } from "../audio";
import type { Clock } from "../clock";
import type { Routing } from "../control";
import { SonioxError } from "../errors";
import type { StartMessage } from "../session";

/** A new stream holding its first chunks (bytes only, not the messages) until its audio format is known. */
export interface Pending {
  key: string;
  routing: Routing;
  gate: FormatGate;
  props: SoxProps;
  start: StartMessage;
}

/**
 * The new streams still waiting to learn their audio format. Each waits a bounded time: the flow
 * may never send the rest, and a waiting stream holds audio and a place under Max streams.
 */
export class FormatWaits {
  private readonly waiting = new Map<string, { pending: Pending; timer: unknown }>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly onTimeout: (pending: Pending, error: SonioxError) => void,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  get(key: string): Pending | undefined {
    return this.waiting.get(key)?.pending;
  }

  /** Starts the wait of a stream not already waiting. */
  hold(pending: Pending): void {
    if (this.waiting.has(pending.key)) return;
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(pending.key);
      const bytes = pending.gate.chunks.reduce((n, c) => n + c.length, 0);
      const error = new SonioxError(
        "invalid_config",
        `Stream "${pending.key}": the format of its audio could not be told from its first ${bytes} bytes within ${this.timeoutMs / 1000} s, so they were dropped. ` +
          'Set the node\'s audio format (or msg.soniox.audio_format), send larger chunks, or raise "Format wait".',
        { key: "streams.format-timeout", params: { stream: pending.key, bytes, seconds: this.timeoutMs / 1000 } },
      );
      this.onTimeout(pending, error);
    }, this.timeoutMs);
    this.waiting.set(pending.key, { pending, timer });
  }

  /** The stream opened or was cancelled. */
  end(key: string): void {
    const w = this.waiting.get(key);
    if (w) this.clock.clearTimeout(w.timer);
    this.waiting.delete(key);
  }

  clear(): void {
    for (const key of Array.from(this.waiting.keys())) this.end(key);
  }
}
