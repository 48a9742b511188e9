import { errorPart, type MessageKey, type SonioxError } from "../errors";
import type { ReplayPlan } from "./replay-plan";

/** A warning as the stream emits it: the English text and its catalogue key. */
export type StreamWarning = [message: string, i18n?: MessageKey];

// The stream's warnings, worded in one place (the editor catalogues hold the same keys).

export function replayBoundWarning(bytes: number): StreamWarning {
  return [
    `Soniox is more than ${bytes} bytes of audio behind in finalizing; the oldest unconfirmed audio is no longer kept, so a reconnect now would skip it (the restart message says how much)`,
    { key: "session.replay-bound", params: { bytes } },
  ];
}

export function skippedWarning(plan: ReplayPlan): StreamWarning {
  const ms = Math.round(plan.skippedMs);
  return [`Reconnect skipped ${ms} ms of audio Soniox had not finalized (${plan.why})`, plan.whyKey === null ? undefined : { key: plan.whyKey, params: { ms } }];
}

export function reconnectingWarning(attempt: number, max: number, delay: number, error: SonioxError): StreamWarning {
  return [
    `Reconnecting (attempt ${attempt} of ${max}${delay > 0 ? ` in ${delay} ms` : ""}) after: ${error.message}`,
    { key: delay > 0 ? "session.reconnecting-in" : "session.reconnecting", params: { attempt, max, ms: delay }, parts: { message: errorPart(error) } },
  ];
}

export function rotatedWarning(error: SonioxError): StreamWarning {
  return [`Soniox ended the session at its length limit (${error.message}); a new session carries on`, { key: "session.rotated", parts: { message: errorPart(error) } }];
}

export function rotatedOutFailedWarning(error: SonioxError): StreamWarning {
  return [`The session rotated out ended badly: ${error.message}`, { key: "session.rotated-out-failed", parts: { message: errorPart(error) } }];
}

export function idleEndedWarning(stream: string, limitMs: number): StreamWarning {
  const seconds = limitMs / 1000;
  return [`Stream "${stream}" had no audio for ${seconds} s and was ended (open streams are billed)`, { key: "session.idle-ended", params: { stream, seconds } }];
}
