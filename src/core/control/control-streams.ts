import { EventEmitter } from "events";
import type { Clock } from "../clock";
import { FinalizeLimiter, parsePushToTalk, QuietTimer } from "./commands";
import { InlineStream } from "./inline";
import { parseControl } from "./parse";
import { CONTROL_COMMANDS, type ControlCommand, type ControlType } from "./command-table";
import type { ControlSettings } from "./settings";
import type { SoxAudioProps } from "./vad";
import type { WarningKey } from "../errors";

/** Properties copied from a stream's messages to everything sent for it (websocket/http replies). */
export interface Routing {
  _session?: unknown;
  _client?: unknown;
}

/** What the control node sends: a command for a stream, or a message passed on unchanged. */
export type ControlOutput<T> =
  | { kind: "command"; key: string; command: ControlCommand; base: T | null; routing: Routing }
  | { kind: "pass"; msg: T };
export type ControlSend<T> = (out: ControlOutput<T>) => void;

/** One message, already taken apart by the node; `msg` is kept only to be copied or passed on. */
export interface ControlInput<T> {
  key: string;
  routing: Routing;
  payload: unknown;
  control: unknown;
  props: SoxAudioProps;
  msg: T;
}

export interface ControlEvents {
  /** A command went out; `activity` is the stream's last voice activity (inline mode). */
  sent: [key: string, command: ControlCommand, activity: string];
  /** A finalize waits for the minimum interval. */
  delayed: [waitMs: number];
  /** The voice activity changed without a command (inline mode). */
  activity: [activity: string];
  /** Already names its stream. */
  warning: [message: string, i18n?: WarningKey];
  /** The least recently used stream was forgotten to stay within Max streams. */
  evicted: [key: string, max: number];
}

/** Everything remembered about one stream; freed on stop/cancel, quiet limit or eviction. */
interface Entry {
  key: string;
  routing: Routing;
  limiter: FinalizeLimiter;
  deferred: { handle: unknown; command: ControlCommand; base: unknown } | null;
  talking: boolean;
  pausedByPushToTalk: boolean;
  inline: InlineStream | null;
  quiet: QuietTimer | null;
  lastActivity: string;
}

/**
 * The streams one soniox-control node speaks for: finalize rate limits, push-to-talk state and
 * inline voice activity per stream key. `later` takes what timers send (deferred finalize,
 * keepalive and stop after quiet), outside any input message.
 */
export class ControlStreams<T> extends EventEmitter<ControlEvents> {
  private readonly streams = new Map<string, Entry>();

  /** Throws a RangeError for invalid inline options, so a bad setting fails at deploy. */
  constructor(private readonly settings: ControlSettings, private readonly clock: Clock, private readonly later: ControlSend<T>) {
    super();
    if (settings.mode === "inline") new InlineStream(settings.inline);
  }

  input(i: ControlInput<T>, send: ControlSend<T>): void {
    if (this.settings.mode === "command") this.onCommand(i, send);
    else if (this.settings.mode === "ptt") this.onPushToTalk(i, send);
    else this.onInline(i, send);
  }

  closeAll(): void {
    for (const key of Array.from(this.streams.keys())) this.free(key);
  }

  private free(key: string): void {
    const entry = this.streams.get(key);
    if (!entry) return;
    entry.quiet?.dispose();
    if (entry.deferred) this.clock.clearTimeout(entry.deferred.handle);
    this.streams.delete(key);
  }

  private entryFor(i: ControlInput<T>): Entry {
    let entry = this.streams.get(i.key);
    if (entry) {
      // Re-insert so the Map's first key is the least recently used stream.
      this.streams.delete(i.key);
    } else {
      if (this.streams.size >= this.settings.maxStreams) {
        const oldest = this.streams.keys().next().value as string;
        this.free(oldest);
        this.emit("evicted", oldest, this.settings.maxStreams);
      }
      entry = this.newEntry(i.key);
    }
    Object.assign(entry.routing, i.routing);
    this.streams.set(i.key, entry);
    return entry;
  }

  private newEntry(key: string): Entry {
    const s = this.settings;
    const entry: Entry = {
      key,
      routing: {},
      limiter: new FinalizeLimiter(s.minFinalizeIntervalMs),
      deferred: null,
      talking: false,
      pausedByPushToTalk: false,
      inline: s.mode === "inline" ? new InlineStream(s.inline) : null,
      quiet: null,
      lastActivity: "",
    };
    if (s.mode === "inline" && (s.keepaliveAfterMs > 0 || s.quietLimitMs > 0)) {
      entry.quiet = new QuietTimer(this.clock, {
        keepaliveAfterMs: s.keepaliveAfterMs,
        limitMs: s.quietLimitMs,
        // A paused or stopped stream needs no keepalive from here: pause keeps itself alive.
        onQuiet: () => {
          if (!entry.inline?.held) this.emitCommand(entry, { type: "keepalive" }, null, this.later);
        },
        onLimit: () => {
          if (s.quietStop) this.emitCommand(entry, { type: "stop" }, null, this.later);
          this.free(key);
        },
      });
    }
    return entry;
  }

  /** Sends one command for `entry`; `base` is the msg it came from (command modes) or null. */
  private emitCommand(entry: Entry, command: ControlCommand, base: T | null, send: ControlSend<T>): void {
    send({ kind: "command", key: entry.key, command, base, routing: entry.routing });
    // Inline mode limits finalize in audio time inside InlineStream; the others by the clock.
    if (command.type === "finalize" && !entry.inline) entry.limiter.sentAt(this.clock.now());
    this.emit("sent", entry.key, command, entry.lastActivity);
  }

  /** Finalize now, or once the minimum interval has passed (several requests become one). */
  private finalize(entry: Entry, command: ControlCommand, base: T, send: ControlSend<T>): void {
    const wait = entry.limiter.waitAt(this.clock.now());
    if (wait === 0) return this.emitCommand(entry, command, base, send);
    if (entry.deferred) {
      entry.deferred.command = command;
      return;
    }
    const handle = this.clock.setTimeout(() => {
      const deferred = entry.deferred;
      entry.deferred = null;
      if (deferred) this.emitCommand(entry, deferred.command, deferred.base as T, this.later);
    }, wait);
    entry.deferred = { handle, command, base };
    this.emit("delayed", wait);
  }

  private onCommand(i: ControlInput<T>, send: ControlSend<T>): void {
    const s = this.settings;
    const command: ControlCommand = s.command === "" ? parseControl(i.payload) : fixedCommand(s.command, s.trailingSilenceMs);
    const entry = this.entryFor(i);
    if (command.type === "finalize") return this.finalize(entry, command, i.msg, send);
    // A finalize still waiting would reach a stream that no longer exists.
    if (CONTROL_COMMANDS[command.type].ends) this.free(i.key);
    this.emitCommand(entry, command, i.msg, send);
  }

  private onPushToTalk(i: ControlInput<T>, send: ControlSend<T>): void {
    const pressed = parsePushToTalk(i.payload);
    const entry = this.entryFor(i);
    if (pressed === entry.talking) return;
    entry.talking = pressed;
    if (pressed) {
      this.emitCommand(entry, { type: entry.pausedByPushToTalk ? "resume" : "start" }, i.msg, send);
      return;
    }
    // pause finalizes by itself, so a finalize the rate limit holds back is simply left out.
    if (entry.limiter.waitAt(this.clock.now()) === 0) this.emitCommand(entry, fixedCommand("finalize", this.settings.trailingSilenceMs), i.msg, send);
    this.emitCommand(entry, { type: "pause" }, i.msg, send);
    entry.pausedByPushToTalk = true;
  }

  private onInline(i: ControlInput<T>, send: ControlSend<T>): void {
    if (i.control !== undefined) {
      // Someone else's command on the audio path: pass it on, and forget a stream it ends.
      send({ kind: "pass", msg: i.msg });
      const type = safeType(i.control);
      if (type !== null && CONTROL_COMMANDS[type].ends) this.free(i.key);
      return;
    }
    const bytes = audioBytes(i.payload);
    if (bytes === null) return send({ kind: "pass", msg: i.msg });
    const entry = this.entryFor(i);
    entry.quiet?.touch();
    const decision = entry.inline!.chunk(bytes, i.props);
    if (decision.warning) {
      this.emit("warning", `[${i.key}] ${decision.warning}`, decision.warningKey && { ...decision.warningKey, stream: i.key });
    }
    for (const c of decision.before) this.emitCommand(entry, c, null, send);
    if (decision.pass) send({ kind: "pass", msg: i.msg });
    for (const c of decision.after) this.emitCommand(entry, c, null, send);
    if (decision.activity !== entry.lastActivity) {
      entry.lastActivity = decision.activity;
      if (decision.before.length + decision.after.length === 0) this.emit("activity", decision.activity);
    }
  }
}

function fixedCommand(type: ControlType, trailingSilenceMs: number | null): ControlCommand {
  if (CONTROL_COMMANDS[type].trailingSilence && trailingSilenceMs !== null) return { type, trailing_silence_ms: trailingSilenceMs } as ControlCommand;
  return { type } as ControlCommand;
}

function safeType(control: unknown): ControlType | null {
  try {
    return parseControl(control).type;
  } catch {
    return null;
  }
}

/** Audio bytes of msg.payload without copying; exec-node strings are turned back into bytes. */
function audioBytes(payload: unknown): Uint8Array | null {
  if (payload instanceof Uint8Array) return payload.length > 0 ? payload : null;
  if (payload instanceof ArrayBuffer) return payload.byteLength > 0 ? new Uint8Array(payload) : null;
  if (typeof payload === "string" && payload.length > 0) return Buffer.from(payload, "utf8");
  return null;
}
