/**
 * soniox-control: turns buttons, switches, MQTT strings and the audio itself into the transcribe
 * node's control messages (msg.control addressed to a stream key). Modes: command, push-to-talk
 * and inline (in the audio path, watching voice activity).
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { systemClock } from "../core/clock";
import { parseControl, type ControlCommand, type ControlType } from "../core/control";
import { FinalizeLimiter, parsePushToTalk, QuietTimer, toWire } from "../core/control";
import { controlSettings, type ControlNodeConfig, type ControlSettings } from "../core/control";
import { InlineStream } from "../core/control";
import { guardOutput } from "./lib/safe-output";

interface ControlDef extends NodeDef, ControlNodeConfig {}

type Msg = NodeMessageInFlow & { control?: unknown; _session?: unknown; _client?: unknown };
type Send = (msg: NodeMessage) => void;

/** Everything the node remembers about one stream; freed on stop/cancel, quiet limit or eviction. */
interface StreamEntry {
  key: string;
  routing: { _session?: unknown; _client?: unknown };
  limiter: FinalizeLimiter;
  deferred: { handle: unknown; command: ControlCommand; base: Msg } | null;
  talking: boolean;
  pausedByPushToTalk: boolean;
  inline: InlineStream | null;
  quiet: QuietTimer | null;
  lastActivity: string;
}

export = function register(RED: NodeAPI): void {
  function SonioxControl(this: Node, def: ControlDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    guardOutput(node);
    const clock = systemClock;
    const streams = new Map<string, StreamEntry>();
    let settings: ControlSettings | null = null;
    let setupError: Error | null = null;
    try {
      settings = controlSettings(def);
      if (settings.mode === "inline") new InlineStream(settings.inline);
    } catch (err) {
      setupError = new Error(RED._("soniox-control.errors.config", { error: (err as Error).message }));
      node.error(setupError.message);
      node.status({ fill: "red", shape: "ring", text: RED._("soniox-control.status.config-error") });
    }

    const keyOf = (msg: Msg): string => {
      if (settings!.fixedKey !== "" && settings!.mode !== "inline") return settings!.fixedKey;
      const value = RED.util.getMessageProperty(msg, settings!.keyProperty) as unknown;
      if (value === undefined || value === null || value === "") return "default";
      return String(value);
    };

    const free = (key: string): void => {
      const entry = streams.get(key);
      if (!entry) return;
      entry.quiet?.dispose();
      if (entry.deferred) clock.clearTimeout(entry.deferred.handle);
      streams.delete(key);
    };

    const entryFor = (key: string, msg: Msg): StreamEntry => {
      let entry = streams.get(key);
      if (entry) {
        // Re-insert so the Map's first key is the least recently used stream.
        streams.delete(key);
      } else {
        if (streams.size >= settings!.maxStreams) {
          const oldest = streams.keys().next().value as string;
          free(oldest);
          node.warn(RED._("soniox-control.errors.evicted", { stream: oldest, max: settings!.maxStreams }));
        }
        entry = newEntry(key);
      }
      if (msg._session !== undefined) entry.routing._session = msg._session;
      if (msg._client !== undefined) entry.routing._client = msg._client;
      streams.set(key, entry);
      return entry;
    };

    const newEntry = (key: string): StreamEntry => {
      const s = settings!;
      const entry: StreamEntry = {
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
        entry.quiet = new QuietTimer(clock, {
          keepaliveAfterMs: s.keepaliveAfterMs,
          limitMs: s.quietLimitMs,
          // A paused or stopped stream needs no keepalive from here: pause keeps itself alive.
          onQuiet: () => {
            if (!entry.inline?.held) emit(entry, { type: "keepalive" }, null, (m) => node.send(m));
          },
          onLimit: () => {
            if (s.quietStop) emit(entry, { type: "stop" }, null, (m) => node.send(m));
            free(key);
          },
        });
      }
      return entry;
    };

    /** Sends one command for `entry`; `base` is the msg it came from (command modes) or null. */
    const emit = (entry: StreamEntry, command: ControlCommand, base: Msg | null, send: Send): void => {
      const msg: NodeMessage = base ? { ...base } : { ...entry.routing };
      delete msg.payload;
      msg.control = toWire(command);
      RED.util.setMessageProperty(msg, settings!.keyProperty, entry.key, true);
      send(msg);
      // Inline mode limits finalize in audio time inside InlineStream; the others by the clock.
      if (command.type === "finalize" && !entry.inline) entry.limiter.sentAt(clock.now());
      showCommand(entry, command);
    };

    const showCommand = (entry: StreamEntry, command: ControlCommand): void => {
      const text = settings!.mode === "inline" ? `${entry.lastActivity} · ${command.type}` : `${command.type} → ${entry.key}`;
      node.status({ fill: "blue", shape: "dot", text });
    };

    /** Finalize now, or once the minimum interval has passed (several requests become one). */
    const finalize = (entry: StreamEntry, command: ControlCommand, base: Msg, send: Send): void => {
      const wait = entry.limiter.waitAt(clock.now());
      if (wait === 0) return emit(entry, command, base, send);
      if (entry.deferred) {
        entry.deferred.command = command;
        return;
      }
      const handle = clock.setTimeout(() => {
        const deferred = entry.deferred;
        entry.deferred = null;
        if (deferred) emit(entry, deferred.command, deferred.base, (m) => node.send(m));
      }, wait);
      entry.deferred = { handle, command, base };
      node.status({
        fill: "yellow",
        shape: "ring",
        text: RED._("soniox-control.status.delayed", { seconds: (wait / 1000).toFixed(1) }),
      });
    };

    const onCommand = (msg: Msg, send: Send): void => {
      const s = settings!;
      const command: ControlCommand =
        s.command === "" ? parseControl(msg.payload) : fixedCommand(s.command, s.trailingSilenceMs);
      const key = keyOf(msg);
      const entry = entryFor(key, msg);
      if (command.type === "finalize") return finalize(entry, command, msg, send);
      if (command.type === "stop" || command.type === "cancel") {
        // A finalize still waiting would reach a stream that no longer exists.
        free(key);
      }
      emit(entry, command, msg, send);
    };

    const onPushToTalk = (msg: Msg, send: Send): void => {
      const pressed = parsePushToTalk(msg.payload);
      const entry = entryFor(keyOf(msg), msg);
      if (pressed === entry.talking) return;
      entry.talking = pressed;
      if (pressed) {
        emit(entry, { type: entry.pausedByPushToTalk ? "resume" : "start" }, msg, send);
        return;
      }
      // pause finalizes by itself, so a finalize the rate limit holds back is simply left out.
      if (entry.limiter.waitAt(clock.now()) === 0) emit(entry, fixedCommand("finalize", settings!.trailingSilenceMs), msg, send);
      emit(entry, { type: "pause" }, msg, send);
      entry.pausedByPushToTalk = true;
    };

    const onInline = (msg: Msg, send: Send): void => {
      const key = keyOf(msg);
      if (msg.control !== undefined) {
        // Someone else's command on the audio path: pass it on, and forget a stream it ends.
        send(msg);
        const type = safeType(msg.control);
        if (type === "stop" || type === "cancel") free(key);
        return;
      }
      const bytes = audioBytes(msg.payload);
      if (bytes === null) {
        send(msg);
        return;
      }
      const entry = entryFor(key, msg);
      entry.quiet?.touch();
      const decision = entry.inline!.chunk(bytes, { rate: msg.rate, channels: msg.channels, bits: msg.bits, encoding: msg.encoding });
      if (decision.warning) node.warn(`[${key}] ${decision.warning}`);
      for (const c of decision.before) emit(entry, c, null, send);
      if (decision.pass) send(msg);
      for (const c of decision.after) emit(entry, c, null, send);
      if (decision.activity !== entry.lastActivity) {
        entry.lastActivity = decision.activity;
        if (decision.before.length + decision.after.length === 0) showActivity(decision.activity);
      }
    };

    const showActivity = (activity: string): void => {
      const text = RED._(`soniox-control.status.${activity}`);
      if (activity === "speech") node.status({ fill: "green", shape: "dot", text });
      else if (activity === "silence") node.status({ fill: "grey", shape: "dot", text });
      else node.status({ fill: "yellow", shape: "ring", text });
    };

    node.on("input", (raw, send, done) => {
      const msg = raw as Msg;
      try {
        if (setupError || !settings) throw setupError ?? new Error("soniox-control is not configured");
        if (settings.mode === "command") onCommand(msg, send);
        else if (settings.mode === "ptt") onPushToTalk(msg, send);
        else onInline(msg, send);
        done();
      } catch (err) {
        done(err as Error);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      for (const key of Array.from(streams.keys())) free(key);
      node.status({});
      done();
    });
  }

  RED.nodes.registerType("soniox-control", SonioxControl);
};

function fixedCommand(type: ControlType, trailingSilenceMs: number | null): ControlCommand {
  if (type === "finalize") {
    return trailingSilenceMs === null ? { type } : { type, trailing_silence_ms: trailingSilenceMs };
  }
  return { type };
}

function safeType(control: unknown): string | null {
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
