/**
 * The pieces the soniox-control node builds its commands from: the msg.control wire form the
 * transcribe node reads, push-to-talk values, the finalize rate limit and the "source went
 * quiet" timer. Timers go through an injected Clock so tests can drive them.
 */
import type { Clock } from "../clock";
import { SonioxError } from "../errors";
import type { ControlCommand } from "./command-table";

/** msg.control as the transcribe node reads it: a plain string, or an object for finalize with silence. */
export type WireControl = string | { type: "finalize"; trailing_silence_ms: number };

export function toWire(command: ControlCommand): WireControl {
  if (command.type === "finalize" && command.trailing_silence_ms !== undefined) {
    return { type: "finalize", trailing_silence_ms: command.trailing_silence_ms };
  }
  return command.type;
}

const PRESSED = new Set(["true", "on", "1", "yes", "down", "pressed", "start"]);
const RELEASED = new Set(["false", "off", "0", "no", "up", "released", "stop", ""]);

/**
 * Push-to-talk input → pressed (true) or released (false). Accepts booleans, numbers and the
 * strings buttons, switches and MQTT topics usually carry; anything else is an error that says
 * what was received.
 */
export function parsePushToTalk(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number" && !Number.isNaN(value)) return value !== 0;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (PRESSED.has(v)) return true;
    if (RELEASED.has(v)) return false;
  }
  let shown: string;
  try {
    shown = JSON.stringify(value)?.slice(0, 60) ?? String(value);
  } catch {
    shown = String(value);
  }
  throw new SonioxError("invalid_config", `Push-to-talk needs msg.payload true/false (or on/off, 1/0, pressed/released), got ${shown}`, {
    key: "control.ptt-payload",
    params: { value: shown },
  });
}

/** Soniox: "every few seconds is fine; too often may cause disconnections". */
export const DEFAULT_MIN_FINALIZE_INTERVAL_MS = 2000;

/** Remembers when a stream was last finalized; times are in whatever unit the caller uses. */
export class FinalizeLimiter {
  readonly #minIntervalMs: number;
  #last = -Infinity;

  constructor(minIntervalMs = DEFAULT_MIN_FINALIZE_INTERVAL_MS) {
    if (!(minIntervalMs >= 0) || !Number.isFinite(minIntervalMs)) {
      throw new RangeError(`Minimum finalize interval must be 0 ms or more, got ${String(minIntervalMs)}`);
    }
    this.#minIntervalMs = minIntervalMs;
  }

  /** Milliseconds to wait before a finalize may be sent at `now` (0 = send now). */
  waitAt(now: number): number {
    return Math.max(0, this.#last + this.#minIntervalMs - now);
  }

  sentAt(now: number): void {
    this.#last = now;
  }
}

export interface QuietTimerOptions {
  /** Call onQuiet after this long without audio, and again every this long; 0 = never. */
  keepaliveAfterMs: number;
  /** Call onLimit once after this long without audio; 0 = never. */
  limitMs: number;
  onQuiet: () => void;
  onLimit: () => void;
}

/**
 * Wall-clock watch over one stream's audio source: audio time cannot tell that the source has
 * stopped sending, only the clock can. One timer per stream, re-armed on each tick rather than
 * reset for every chunk.
 */
export class QuietTimer {
  readonly #clock: Clock;
  readonly #opts: QuietTimerOptions;
  #lastAudio: number;
  #lastQuietCall: number;
  #handle: unknown = null;
  #disposed = false;

  constructor(clock: Clock, opts: QuietTimerOptions) {
    this.#clock = clock;
    this.#opts = opts;
    this.#lastAudio = clock.now();
    this.#lastQuietCall = this.#lastAudio;
    this.#arm();
  }

  /** Audio arrived. */
  touch(): void {
    this.#lastAudio = this.#clock.now();
    this.#lastQuietCall = this.#lastAudio;
    if (this.#handle === null) this.#arm();
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#handle !== null) this.#clock.clearTimeout(this.#handle);
    this.#handle = null;
  }

  #arm(): void {
    if (this.#disposed) return;
    const { keepaliveAfterMs, limitMs } = this.#opts;
    const now = this.#clock.now();
    const due: number[] = [];
    if (keepaliveAfterMs > 0) due.push(this.#lastQuietCall + keepaliveAfterMs);
    if (limitMs > 0) due.push(this.#lastAudio + limitMs);
    if (due.length === 0) return;
    this.#handle = this.#clock.setTimeout(() => this.#tick(), Math.max(1, Math.min(...due) - now));
  }

  #tick(): void {
    this.#handle = null;
    if (this.#disposed) return;
    const now = this.#clock.now();
    const { keepaliveAfterMs, limitMs } = this.#opts;
    if (limitMs > 0 && now - this.#lastAudio >= limitMs) {
      this.dispose();
      this.#opts.onLimit();
      return;
    }
    if (keepaliveAfterMs > 0 && now - this.#lastQuietCall >= keepaliveAfterMs) {
      this.#lastQuietCall = now;
      this.#opts.onQuiet();
    }
    this.#arm();
  }
}
