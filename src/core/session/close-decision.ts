import { errorPart, SonioxError } from "../errors";
import type { ReconnectPolicy } from "./reconnect-policy";
import type { SessionClose } from "./session-types";

/** Soniox's answer when a session reached its length cap: a new session carries on. */
const TOO_LONG = /too long/i;

/** What the stream knows when its current session closes. */
export interface CloseContext {
  /** The session failed before it was given any audio (nothing to replay). */
  neverHeardAudio: boolean;
  ending: boolean;
  /** Reconnect attempts made since the last healthy session. */
  attempts: number;
  /** A rotated-out session is still finishing. */
  retiring: boolean;
  reconnect: ReconnectPolicy;
}

/**
 * What a closed current session means for the stream: "lazy": replace it by one that connects
 * when audio comes; "rotate" or "reconnect": replace it, replaying what Soniox had not finalized;
 * "wait": a rotated-out session still finishes, the stream with it; "close": the stream ends with
 * `close` (the session's own reason, or a give-up error after reconnect attempts).
 */
export type CloseDecision =
  | { kind: "lazy" | "wait" }
  | { kind: "rotate" | "reconnect"; error: SonioxError }
  | { kind: "close"; close: SessionClose };

export function decideOnClose(info: SessionClose, ctx: CloseContext): CloseDecision {
  const error = info.reason === "failed" ? info.error : undefined;
  if (error?.code === 408 && ctx.neverHeardAudio && !ctx.ending && !ctx.retiring && ctx.reconnect.enabled) return { kind: "lazy" };
  if (error && error.code === 400 && TOO_LONG.test(error.message) && !ctx.ending) return { kind: "rotate", error };
  if (error && ctx.reconnect.enabled && error.retryable && ctx.attempts < ctx.reconnect.maxAttempts) return { kind: "reconnect", error };
  if (error && ctx.attempts > 0) {
    const gaveUp = new SonioxError(error.code, `${error.message} (gave up after ${ctx.attempts} reconnect attempts)`, {
      key: "session.gave-up",
      params: { attempts: ctx.attempts },
      parts: { message: errorPart(error) },
    });
    return { kind: "close", close: { reason: "failed", error: gaveUp } };
  }
  if (ctx.retiring && info.reason === "finished") return { kind: "wait" };
  return { kind: "close", close: info };
}
