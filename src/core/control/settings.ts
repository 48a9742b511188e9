/**
 * The soniox-control node's editor settings (strings from inputs, seconds where people think in
 * seconds) checked and turned into what the node runs on. Free of Node-RED so it can be tested.
 */
import { isRawFormat } from "../audio";
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

/** Throws a RangeError naming the setting and the accepted values. */
export function controlSettings(c: ControlNodeConfig): ControlSettings {
  const mode = c.mode || "command";
  if (!MODES.includes(mode)) throw new RangeError(`Unknown mode "${mode}"; use command, ptt or inline`);
  const command = c.command ?? "";
  if (command !== "" && !(CONTROL_TYPES as readonly string[]).includes(command)) {
    throw new RangeError(`Unknown command "${command}"; use one of ${CONTROL_TYPES.join(", ")}, or blank for msg.payload`);
  }
  const action = c.longSilenceAction || "none";
  if (!LONG_SILENCE.includes(action)) throw new RangeError(`Unknown long-silence action "${action}"; use none, pause or stop`);
  const format = c.audioFormat || DEFAULT_INLINE_OPTIONS.fallback.format;
  if (!isRawFormat(format)) throw new RangeError(`Audio format "${format}" is not a raw PCM format this node can analyse`);
  const keyProperty = (c.keyProperty ?? "").trim() || "topic";
  const trailing =
    c.trailingSilenceMs === undefined || String(c.trailingSilenceMs).trim() === ""
      ? null
      : int(c.trailingSilenceMs, "Trailing silence (ms)", 0, 60000);
  return {
    mode: mode as ControlMode,
    command: command as ControlType | "",
    trailingSilenceMs: trailing,
    keyProperty,
    fixedKey: (c.fixedKey ?? "").trim(),
    minFinalizeIntervalMs: num(c.minFinalizeInterval, DEFAULT_MIN_FINALIZE_INTERVAL_MS, "Minimum finalize interval (ms)", 0, 600000),
    inline: {
      thresholdDb: num(c.thresholdDb, DEFAULT_INLINE_OPTIONS.thresholdDb, "Speech threshold (dBFS)", -120, 0),
      silenceMs: num(c.silenceMs, DEFAULT_INLINE_OPTIONS.silenceMs, "Silence before finalize (ms)", 10, 60000),
      minFinalizeIntervalMs: num(c.minFinalizeInterval, DEFAULT_MIN_FINALIZE_INTERVAL_MS, "Minimum finalize interval (ms)", 0, 600000),
      longSilenceAction: action as LongSilenceAction,
      longSilenceMs: num(c.longSilence, DEFAULT_INLINE_OPTIONS.longSilenceMs / 1000, "Long silence (s)", 0.01, 86400) * 1000,
      fallback: {
        format,
        sampleRate: int(blankOr(c.sampleRate, 16000), "Sample rate", 1000, 384000),
        channels: int(blankOr(c.numChannels, 1), "Channels", 1, 32),
      },
    },
    keepaliveAfterMs: num(c.keepaliveAfter, 10, "Keepalive after (s)", 0, 20) * 1000,
    quietLimitMs: num(c.quietLimit, 50, "Forget a quiet stream after (s)", 0, 86400) * 1000,
    quietStop: c.quietStop === true,
    maxStreams: int(blankOr(c.maxStreams, 100), "Max streams", 1, 100000),
  };
}

function blankOr(value: string | number | undefined, fallback: number): string | number {
  return value === undefined || String(value).trim() === "" ? fallback : value;
}

function num(value: string | number | undefined, fallback: number, name: string, min: number, max: number): number {
  const n = Number(blankOr(value, fallback));
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new RangeError(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function int(value: string | number, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}
