import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { systemClock } from "../core/clock";
import { parseControl, type ControlCommand } from "../core/control";
import { SonioxError } from "../core/errors";
import type { SessionClose } from "../core/session";
import { TranscriptionStream, type StreamResponse, type StreamRestart } from "../core/stream";
import { validateStartMessage } from "../core/start-message";
import { wsTransport } from "../core/transport";
import type { Utterance } from "../core/utterance";
import { toAudioBytes } from "./lib/audio-payload";
import { describeStreams } from "./lib/status";
import { throttle } from "./lib/throttle";
import { baseStartMessage, streamSettings, streamStartMessage, type TranscribeNodeConfig } from "./lib/transcribe-options";
import type { SonioxConfigNode } from "./lib/config-node";

interface TranscribeDef extends NodeDef, TranscribeNodeConfig {
  config: string;
}

interface Routing {
  _session?: unknown;
  _client?: unknown;
}

interface StreamEntry {
  stream: TranscriptionStream;
  routing: Routing;
  warnedLateOverrides: boolean;
}

type Msg = NodeMessageInFlow & { control?: unknown; soniox?: unknown; _session?: unknown; _client?: unknown };

/** Node status changes at most this often (first and last change always shown). */
const STATUS_INTERVAL_MS = 250;
const PLAIN_PROPERTY = /^[A-Za-z_$][\w$]*$/;

/** Commands that must reach the session before the audio that came with them. */
const BEFORE_AUDIO = new Set(["start", "resume"]);

export = function register(RED: NodeAPI): void {
  function SonioxTranscribe(this: Node, def: TranscribeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const configNode = RED.nodes.getNode(def.config) as SonioxConfigNode | null;
    const streams = new Map<string, StreamEntry>();
    // Streams that failed for good: their audio is dropped (counted) until the flow says start,
    // rather than opening a new failing connection for every chunk.
    const failed = new Map<string, { code: string; droppedBytes: number }>();
    // Stopped streams still finishing after the same key started a new one.
    const finishing = new Set<StreamEntry>();
    let lastError: string | null = null;

    let setupError: Error | null = null;
    let settings: ReturnType<typeof streamSettings> | null = null;
    let base: Record<string, unknown> = {};
    try {
      settings = streamSettings(def);
      base = baseStartMessage(def);
      validateStartMessage(base);
      if (!configNode) throw new SonioxError("invalid_config", "No soniox-config node selected: open the node and choose or add a Soniox account");
    } catch (err) {
      setupError = err as Error;
      node.error(setupError.message);
      node.status({ fill: "red", shape: "ring", text: "invalid configuration" });
    }
    const plainKey = settings !== null && PLAIN_PROPERTY.test(settings.streamKeyProperty);

    const updateStatus = throttle(() => {
      if (setupError) return;
      const states = Array.from([...streams.values(), ...finishing], (e) => e.stream.state);
      node.status(describeStreams(states, lastError));
    }, STATUS_INTERVAL_MS);

    const routingOf = (msg: Msg): Routing => {
      const routing: Routing = {};
      if (msg._session !== undefined) routing._session = msg._session;
      if (msg._client !== undefined) routing._client = msg._client;
      return routing;
    };

    const createStream = (key: string, msg: Msg): StreamEntry => {
      if (!settings || !configNode) throw setupError ?? new Error("soniox-transcribe is not configured");
      if (streams.size >= settings.maxStreams) {
        throw new SonioxError("invalid_state", `Too many streams: ${settings.maxStreams} are open, so "${key}" was not started. Stop unused streams or raise "Max streams".`);
      }
      const apiKey = configNode.apiKey();
      if (!apiKey) {
        throw new SonioxError("invalid_config", "No Soniox API key: set it in the soniox-config node or in the SONIOX_API_KEY environment variable");
      }
      const stream = new TranscriptionStream({
        key,
        url: configNode.endpoint(),
        apiKey,
        authMethod: configNode.authMethod,
        start: streamStartMessage(base, msg.soniox),
        transport: wsTransport,
        clock: systemClock,
        keepaliveIntervalMs: settings.keepaliveIntervalMs,
        connectTimeoutMs: settings.connectTimeoutMs,
        finishTimeoutMs: settings.finishTimeoutMs,
        pacing: settings.pacing,
        maxQueuedBytes: settings.maxQueuedBytes,
        idleTimeoutMs: settings.idleTimeoutMs,
        reconnect: settings.reconnect,
        rotation: settings.rotation,
        heartbeatIntervalMs: settings.heartbeatIntervalMs,
        heartbeatTimeoutMs: settings.heartbeatIntervalMs,
      });
      const entry: StreamEntry = { stream, routing: routingOf(msg), warnedLateOverrides: false };
      streams.set(key, entry);
      stream.on("response", (r) => node.send([responseMessage(key, entry, r), null]));
      stream.on("utterance", (u) => node.send([null, utteranceMessage(key, entry, u)]));
      stream.on("restart", (r) => node.send([restartMessage(key, entry, r), null]));
      stream.on("state", updateStatus);
      stream.on("warning", (w) => node.warn(`[${key}] ${w}`));
      stream.on("closed", (info) => onClosed(key, entry, info));
      lastError = null;
      return entry;
    };

    const onClosed = (key: string, entry: StreamEntry, info: SessionClose) => {
      if (streams.get(key) === entry) streams.delete(key);
      finishing.delete(entry);
      entry.stream.removeAllListeners();
      if (info.error) {
        lastError = String(info.error.code);
        const errorMsg: NodeMessage & Record<string, unknown> = {
          topic: key,
          payload: info.error.toJSON(),
          soniox: { stream: key, error: info.error.toJSON() },
          ...entry.routing,
        };
        node.error(`[${key}] ${info.error.message}`, errorMsg);
        failed.set(key, { code: String(info.error.code), droppedBytes: 0 });
      }
      updateStatus();
    };

    /** Audio for a failed stream: counted and dropped; said once, then once more on "start". */
    const dropForFailed = (key: string, bytes: number) => {
      const f = failed.get(key)!;
      if (f.droppedBytes === 0) {
        node.warn(`[${key}] stream stopped after error ${f.code}: its audio is dropped (and counted) until a "start" command (msg.control) opens it again`);
      }
      f.droppedBytes += bytes;
    };

    /**
     * The stream a message belongs to, opened when the message starts one; null when the message
     * needs no stream (stop/cancel of nothing, audio of a stream stopped by an error).
     */
    const entryFor = (key: string, msg: Msg, command: ControlCommand | null, audio: Uint8Array | null): StreamEntry | null => {
      const tombstone = failed.get(key);
      if (tombstone && !streams.has(key)) {
        if (command?.type === "start" || command?.type === "stop" || command?.type === "cancel") {
          if (tombstone.droppedBytes > 0) node.warn(`[${key}] ${tombstone.droppedBytes} bytes of audio were dropped while the stream was stopped by error ${tombstone.code}`);
          failed.delete(key);
        } else if (audio) {
          dropForFailed(key, audio.length);
          return null;
        }
      }
      let entry = streams.get(key);
      const opens = audio !== null || command?.type === "start" || command?.type === "pause";
      if (entry && entry.stream.isEnding && opens) {
        // Stopped and now talking again: the old stream finishes in the background, a new one starts.
        streams.delete(key);
        finishing.add(entry);
        entry = undefined;
      }
      if (entry) {
        if (msg._session !== undefined || msg._client !== undefined) Object.assign(entry.routing, routingOf(msg));
        if (msg.soniox !== undefined && !entry.warnedLateOverrides) {
          entry.warnedLateOverrides = true;
          node.warn(`[${key}] msg.soniox is only read on the first message of a stream; stop the stream to change its options`);
        }
        return entry;
      }
      if (opens) return createStream(key, msg);
      if (command?.type === "stop" || command?.type === "cancel") return null;
      throw new SonioxError("invalid_state", `No open stream "${key}" to ${command?.type}: send audio or a "start" command first`);
    };

    node.on("input", (raw, _send, done) => {
      const msg = raw as Msg;
      try {
        if (setupError) throw setupError;
        const command: ControlCommand | null = msg.control === undefined ? null : parseControl(msg.control);
        const audio = toAudioBytes(msg.payload, command !== null);
        if (!command && !audio) {
          throw new SonioxError("invalid_config", "msg.payload is empty: send audio bytes or a msg.control command");
        }
        const key = streamKey(msg, settings!.streamKeyProperty);
        const entry = entryFor(key, msg, command, audio);
        if (!entry) return done();
        const stream = entry.stream;
        if (command && BEFORE_AUDIO.has(command.type)) stream.control(command);
        if (audio && !stream.audio(audio)) {
          throw new SonioxError("invalid_state", `Stream "${key}" is ${stream.state}: audio was not accepted`);
        }
        if (command && !BEFORE_AUDIO.has(command.type)) stream.control(command);
        done();
      } catch (err) {
        done(err as Error);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      for (const entry of [...streams.values(), ...finishing]) {
        entry.stream.removeAllListeners();
        entry.stream.cancel();
      }
      streams.clear();
      finishing.clear();
      failed.clear();
      updateStatus.cancel();
      node.status({});
      done();
    });

    function streamKey(msg: Msg, property: string): string {
      // Per audio chunk: a plain name is read directly instead of parsing the expression each time.
      const value = plainKey ? (msg as Record<string, unknown>)[property] : RED.util.getMessageProperty(msg, property);
      if (value === undefined || value === null || value === "") return "default";
      return typeof value === "string" ? value : String(value);
    }
  }

  function responseMessage(key: string, entry: StreamEntry, response: StreamResponse): NodeMessage {
    return {
      topic: key,
      payload: response,
      soniox: { stream: key, session: entry.stream.sessionNumber },
      ...entry.routing,
    } as NodeMessage;
  }

  /** Output 1 marks a new Soniox session: timestamps continue, speaker labels start again. */
  function restartMessage(key: string, entry: StreamEntry, restart: StreamRestart): NodeMessage {
    const payload = {
      tokens: [],
      final_text: "",
      non_final_text: "",
      endpoint: false,
      finalized: false,
      finished: false,
      restart,
    };
    return { topic: key, payload, soniox: { stream: key, session: restart.session }, ...entry.routing } as NodeMessage;
  }

  function utteranceMessage(key: string, entry: StreamEntry, utterance: Utterance): NodeMessage {
    return {
      topic: key,
      payload: utterance.text,
      utterance,
      soniox: { stream: key, session: entry.stream.sessionNumber },
      ...entry.routing,
    } as NodeMessage;
  }

  RED.nodes.registerType("soniox-transcribe", SonioxTranscribe);
};
