/**
 * The soniox-control node's editor settings (strings from inputs, seconds where people think in
 * seconds) checked and turned into what the node runs on. Free of Node-RED so it can be tested.
 */
import { isRawFormat } from "../audio";
import { SonioxError, type MessagePart } from "../errors";
import { CONTROL_TYPES, type ControlType } from "./command-table";
import { DEFAULT_MIN_FINALIZE_INTERVAL_MS } from "./commands";
import { DEFAULT_INLINE_OPTIONS, type InlineOptions, type LongSilenceAction } from "./inline";

export type ControlMode = "command" | "ptt" | "inline";

/** As stored by the editor. Blank strings mean "use the default". */
export interface ControlNodeConfig {
  mode?: string;
  /** "" = the command comes from msg.payload; otherwise the fixed command to send. */
  command?: string;
  trailingSilenceMs?: string | number;
  keyProperty?: string;
  fixedKey?: string;
  minFinalizeInterval?: string | number;
  thresholdDb?: string | number;
  silenceMs?: string | number;
  longSilenceAction?: string;
  longSilence?: string | number;
  keepaliveAfter?: string | number;
  quietLimit?: string | number;
  quietStop?: boolean;
  audioFormat?: string;
  sampleRate?: string | number;
  numChannels?: string | number;
  maxStreams?: string | number;
}

export interface ControlSettings {
  mode: ControlMode;
  command: ControlType | "";
  trailingSilenceMs: number | null;
  keyProperty: string;
  fixedKey: string;
  minFinalizeIntervalMs: number;
  inline: InlineOptions;
  keepaliveAfterMs: number;
  quietLimitMs: number;
  quietStop: boolean;
  maxStreams: number;
}

const MODES: readonly string[] = ["command", "ptt", "inline"];
const LONG_SILENCE: readonly string[] = ["none", "pause", "stop"];

/** Throws a SonioxError (invalid_config, with its catalogue key) naming the setting and the accepted values. */
export function controlSettings(c: ControlNodeConfig): ControlSettings {
  const mode = c.mode || "command";
  if (!MODES.includes(mode)) throw new SonioxError("invalid_config", `Unknown mode "${mode}"; use command, ptt or inline`, { key: "control.settings.mode", params: { value: mode } });
  const command = c.command ?? "";
  if (command !== "" && !(CONTROL_TYPES as readonly string[]).includes(command)) {
    const choices = CONTROL_TYPES.join(", ");
    throw new SonioxError("invalid_config", `Unknown command "${command}"; use one of ${choices}, or blank for msg.payload`, { key: "control.settings.command", params: { value: command, choices } });
  }
  const action = c.longSilenceAction || "none";
  if (!LONG_SILENCE.includes(action)) throw new SonioxError("invalid_config", `Unknown long-silence action "${action}"; use none, pause or stop`, { key: "control.settings.long-silence", params: { value: action } });
  const format = c.audioFormat || DEFAULT_INLINE_OPTIONS.fallback.format;
  if (!isRawFormat(format)) throw new SonioxError("invalid_config", `Audio format "${format}" is not a raw PCM format this node can analyse`, { key: "control.settings.format", params: { value: format } });
  const keyProperty = (c.keyProperty ?? "").trim() || "topic";
  const trailing =
    c.trailingSilenceMs === undefined || String(c.trailingSilenceMs).trim() === ""
      ? null
      : int(c.trailingSilenceMs, { text: "Trailing silence (ms)", key: "control.settings.field.trailing-silence" }, 0, 60000);
  return {
    mode: mode as ControlMode,
    command: command as ControlType | "",
    trailingSilenceMs: trailing,
    keyProperty,
    fixedKey: (c.fixedKey ?? "").trim(),
    minFinalizeIntervalMs: num(c.minFinalizeInterval, DEFAULT_MIN_FINALIZE_INTERVAL_MS, MIN_FINALIZE_INTERVAL, 0, 600000),
    inline: {
      thresholdDb: num(c.thresholdDb, DEFAULT_INLINE_OPTIONS.thresholdDb, { text: "Speech threshold (dBFS)", key: "control.settings.field.threshold" }, -120, 0),
      silenceMs: num(c.silenceMs, DEFAULT_INLINE_OPTIONS.silenceMs, { text: "Silence before finalize (ms)", key: "control.settings.field.silence" }, 10, 60000),
      minFinalizeIntervalMs: num(c.minFinalizeInterval, DEFAULT_MIN_FINALIZE_INTERVAL_MS, MIN_FINALIZE_INTERVAL, 0, 600000),
      longSilenceAction: action as LongSilenceAction,
      longSilenceMs: num(c.longSilence, DEFAULT_INLINE_OPTIONS.longSilenceMs / 1000, { text: "Long silence (s)", key: "control.settings.field.long-silence" }, 0.01, 86400) * 1000,
      fallback: {
        format,
        sampleRate: int(blankOr(c.sampleRate, 16000), { text: "Sample rate", key: "control.settings.field.sample-rate" }, 1000, 384000),
        channels: int(blankOr(c.numChannels, 1), { text: "Channels", key: "control.settings.field.channels" }, 1, 32),
      },
    },
    keepaliveAfterMs: num(c.keepaliveAfter, 10, { text: "Keepalive after (s)", key: "control.settings.field.keepalive-after" }, 0, 20) * 1000,
    quietLimitMs: num(c.quietLimit, 50, { text: "Forget a quiet stream after (s)", key: "control.settings.field.quiet-limit" }, 0, 86400) * 1000,
    quietStop: c.quietStop === true,
    maxStreams: int(blankOr(c.maxStreams, 100), { text: "Max streams", key: "control.settings.field.max-streams" }, 1, 100000),
  };
}

function blankOr(value: string | number | undefined, fallback: number): string | number {
  return value === undefined || String(value).trim() === "" ? fallback : value;
}

// Used twice (command and inline settings); the dialog has one field for both.
const MIN_FINALIZE_INTERVAL: MessagePart = { text: "Minimum finalize interval (ms)", key: "control.settings.field.min-finalize-interval" };

function num(value: string | number | undefined, fallback: number, field: MessagePart, min: number, max: number): number {
  const n = Number(blankOr(value, fallback));
  if (!Number.isFinite(n) || n < min || n > max) {
    const got = String(JSON.stringify(value));
    throw new SonioxError("invalid_config", `${field.text} must be a number from ${min} to ${max}, got ${got}`, { key: "control.settings.number", params: { min, max, value: got }, parts: { field } });
  }
  return n;
}

function int(value: string | number, field: MessagePart, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    const got = String(JSON.stringify(value));
    throw new SonioxError("invalid_config", `${field.text} must be a whole number from ${min} to ${max}, got ${got}`, { key: "control.settings.integer", params: { min, max, value: got }, parts: { field } });
  }
  return n;
}
