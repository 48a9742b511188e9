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
  drop(key: string, bytes: number): string | null {
    const t = this.dead.get(key)!;
    const first = t.droppedBytes === 0;
    t.droppedBytes += bytes;
    return first
      ? `[${key}] stream stopped after error ${t.code}: its audio is dropped (and counted) until a "start" command (msg.control) opens it again`
      : null;
  }

  /** The flow started, stopped or cancelled the stream: forget it; returns the tally when audio was dropped. */
  lift(key: string): string | null {
    const t = this.dead.get(key);
    this.dead.delete(key);
    return t && t.droppedBytes > 0 ? `[${key}] ${t.droppedBytes} bytes of audio were dropped while the stream was stopped by error ${t.code}` : null;
  }

  clear(): void {
    this.dead.clear();
  }
}
