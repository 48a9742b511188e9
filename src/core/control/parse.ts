import { SonioxError } from "../errors";
import { showValue } from "../show-value";
import { CONTROL_COMMANDS, CONTROL_TYPES, type ControlCommand, type ControlType } from "./command-table";

const TYPES: ReadonlySet<string> = new Set(CONTROL_TYPES);

/**
 * Reads a control command given as a string ("finalize") or an object ({type: "finalize",
 * trailing_silence_ms: 300}); strings may be JSON, as MQTT and websocket sources deliver them.
 */
export function parseControl(value: unknown): ControlCommand {
  let v = value;
  if (typeof v === "string") {
    const text = v.trim();
    if (text.startsWith("{")) {
      try {
        v = JSON.parse(text);
      } catch {
        throw controlError(value);
      }
    } else v = { type: text.toLowerCase() };
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw controlError(value);
  const obj = v as Record<string, unknown>;
  const type = typeof obj.type === "string" ? obj.type.toLowerCase() : obj.type;
  if (typeof type !== "string" || !TYPES.has(type)) throw controlError(value);
  if (!CONTROL_COMMANDS[type as ControlType].trailingSilence) return { type } as ControlCommand;
  const silence = obj.trailing_silence_ms;
  if (silence === undefined || silence === null) return { type } as ControlCommand;
  if (typeof silence !== "number" || !Number.isInteger(silence) || silence < 0 || silence > 60000) {
    throw new SonioxError("invalid_config", `trailing_silence_ms must be an integer from 0 to 60000 ms (got ${showValue(silence)})`, {
      key: "control.trailing-silence",
      params: { value: showValue(silence) },
    });
  }
  return { type, trailing_silence_ms: silence } as ControlCommand;
}

function controlError(value: unknown): SonioxError {
  return new SonioxError("invalid_config", `Unknown msg.control ${showValue(value)}: use one of ${CONTROL_TYPES.join(", ")} (a string or {type: ...})`, {
    key: "control.unknown",
    params: { value: showValue(value), types: CONTROL_TYPES.join(", ") },
  });
}
