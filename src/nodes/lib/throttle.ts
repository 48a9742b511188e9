/** A call that runs at once, then at most once per interval; calls in between collapse into one at its end. */
export interface Throttled {
  (): void;
  /** Drops a pending trailing call and stops the timer (node close). */
  cancel(): void;
}

/**
 * Throttles `fn` with a leading and a trailing call, so the first change shows at once and the
 * last one is never lost. Used for node status: hundreds of streams connecting at once would
 * otherwise send a status event (and a rescan of every stream) per state change.
 */
export function throttle(fn: () => void, intervalMs: number): Throttled {
  let timer: NodeJS.Timeout | null = null;
  let pending = false;
  const run = (): void => {
    fn();
    timer = setTimeout(() => {
      timer = null;
      if (!pending) return;
      pending = false;
      run();
    }, intervalMs);
  };
  const throttled = (): void => {
    if (timer) pending = true;
    else run();
  };
  throttled.cancel = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    pending = false;
  };
  return throttled;
}
