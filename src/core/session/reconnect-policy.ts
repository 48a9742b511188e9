import type { SonioxError } from "../errors";

export interface ReconnectPolicy {
  /** Every open connection is billed, so this is a visible switch. */
  enabled: boolean;
  /**
   * Attempts in a row before giving up. The count resets when a session sends a result at least
   * 10 s after it opened (stream.ts HEALTHY_AFTER_MS): one that fails soon after opening keeps it.
   */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 429 means "too many": wait this long (doubling) instead of the base delay. */
  rateLimitDelayMs: number;
  /** Random source for jitter, in [0, 1). */
  random?: () => number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = {
  enabled: true,
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30000,
  rateLimitDelayMs: 10000,
};

/**
 * Delay before attempt `attempt` (1-based): exponential with ±50 % jitter so many streams that
 * failed together do not reconnect together. Soniox asks for an immediate new session after 503.
 */
export function reconnectDelay(policy: ReconnectPolicy, error: SonioxError, attempt: number): number {
  if (error.code === 503 && attempt === 1) return 0;
  const base = error.code === 429 ? policy.rateLimitDelayMs : policy.baseDelayMs;
  const exponential = Math.min(policy.maxDelayMs, base * 2 ** (attempt - 1));
  const jitter = 0.5 + (policy.random ?? Math.random)();
  return Math.round(Math.min(policy.maxDelayMs, exponential * jitter));
}
