import { SonioxError, type MessagePart } from "../../core/errors";
import { stringPayloadProblem } from "../../core/audio";
import { commandWordProblem } from "../../core/control";

/**
 * msg.payload as audio bytes, without copying. Strings are accepted because the exec node turns
 * chunks whose bytes happen to be valid UTF-8 into strings; converting back restores the bytes.
 * Strings that cannot be such audio (base64, lossy-decoded binary, a command word) are refused.
 * With a control command present, a non-audio payload (an inject timestamp) is simply ignored.
 */
export function toAudioBytes(payload: unknown, hasControl: boolean): Uint8Array | null {
  if (payload === undefined || payload === null) return null;
  if (payload instanceof Uint8Array) return payload.length > 0 ? payload : null;
  if (payload instanceof ArrayBuffer) return payload.byteLength > 0 ? new Uint8Array(payload) : null;
  if (typeof payload === "string" && !hasControl) {
    if (payload.length === 0) return null;
    const problem = stringPayloadProblem(payload) ?? commandWordProblem(payload);
    if (problem) throw problem;
    return Buffer.from(payload, "utf8");
  }
  if (hasControl) return null;
  const what = describe(payload);
  throw new SonioxError(
    "invalid_config",
    `msg.payload must be audio bytes (Buffer, Uint8Array or ArrayBuffer), got ${what.text}. ` +
      "Read files as a single Buffer or binary chunks, and set websocket/MQTT nodes to output binary.",
    { key: "audio.payload-not-bytes", parts: { what } },
  );
}

/** What the payload is instead, as a translatable part ("an array", "a number", "Float32Array"). */
function describe(value: unknown): MessagePart {
  if (Array.isArray(value)) return { text: "an array", key: "audio.payload-kind-array" };
  if (typeof value === "number" && Number.isNaN(value)) return { text: "NaN" };
  if (ArrayBuffer.isView(value)) return { text: value.constructor.name };
  if (typeof value === "object") return { text: "an object", key: "audio.payload-kind-object" };
  return { text: `a ${typeof value}`, key: "audio.payload-kind-type", params: { type: typeof value } };
}
