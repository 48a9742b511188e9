/**
 * Named one-shot timers that can all be cancelled at once, so a closed connection can never
 * fire a late timeout (and a closed simulator leaves nothing behind to keep Node alive).
 */
export class TimerSet {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** Starts (or restarts) the timer called `name`. */
  set(name: string, ms: number, fn: () => void): void {
    this.clear(name);
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        fn();
      }, ms),
    );
  }

  clear(name: string): void {
    const timer = this.timers.get(name);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(name);
  }

  clearAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
