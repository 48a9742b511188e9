import type { WarningKey } from "../errors";

/** A warning in English with the key that translates it. */
export type Notice = { text: string; i18n: WarningKey };

/**
 * Streams that failed for good (a non-retryable error). Their audio is dropped and counted until
 * the flow says start, rather than opening a new failing connection for every chunk.
 */
export class Tombstones {
  private readonly dead = new Map<string, { code: string; droppedBytes: number }>();

  mark(key: string, code: string): void {
    this.dead.set(key, { code, droppedBytes: 0 });
  }

  has(key: string): boolean {
    return this.dead.has(key);
  }

  /** Counts dropped audio; returns the warning to give on the first drop (said once), else null. */
  drop(key: string, bytes: number): Notice | null {
    const t = this.dead.get(key)!;
    const first = t.droppedBytes === 0;
    t.droppedBytes += bytes;
    if (!first) return null;
    return {
      text: `[${key}] stream stopped after error ${t.code}: its audio is dropped (and counted) until a "start" command (msg.control) opens it again`,
      i18n: { key: "streams.dropping-after-error", params: { code: t.code }, stream: key },
    };
  }

  /** The flow started, stopped or cancelled the stream: forget it; returns the tally when audio was dropped. */
  lift(key: string): Notice | null {
    const t = this.dead.get(key);
    this.dead.delete(key);
    if (!t || t.droppedBytes === 0) return null;
    return {
      text: `[${key}] ${t.droppedBytes} bytes of audio were dropped while the stream was stopped by error ${t.code}`,
      i18n: { key: "streams.dropped-after-error", params: { bytes: t.droppedBytes, code: t.code }, stream: key },
    };
  }

  clear(): void {
    this.dead.clear();
  }
}
