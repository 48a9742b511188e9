import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { systemClock } from "../core/clock";
import { parseControl, type ControlCommand } from "../core/control";
import { SonioxError } from "../core/errors";
import type { SessionClose } from "../core/session";
import { TranscriptionStream, type StreamResponse, type StreamRestart } from "../core/session";
import { validateStartMessage } from "../core/session";
import { wsTransport } from "../core/session";
import { UtteranceAssembler, type Utterance } from "../core/filter";
import { AudioPipeline } from "../core/audio";
import type { FormatResolution, SoxProps } from "../core/audio";
import { FormatGate } from "../core/audio";
import type { StartMessage } from "../core/session";
import { toAudioBytes } from "./lib/audio-payload";
import { describeStreams } from "./lib/status";
import { guardOutput } from "./lib/safe-output";
import { throttle } from "./lib/throttle";
import {
  audioFieldsOf,
  baseStartMessage,
  splitStreamOverrides,
  streamSettings,
  streamStartMessage,
  withAudioFields,
  type TranscribeNodeConfig,
} from "./lib/transcribe-options";
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
  pipeline: AudioPipeline;
  routing: Routing;
  warnedLateOverrides: boolean;
}

/** A new stream whose first chunks are held until its audio format is known. */
interface PendingStream {
  gate: FormatGate;
  msg: Msg;
  props: SoxProps;
  start: StartMessage;
}

type Msg = NodeMessageInFlow & SoxProps & { control?: unknown; soniox?: unknown; _session?: unknown; _client?: unknown };

/** The sox-record style audio properties of a message (node-red-contrib-sox-utils names). */
function soxPropsOf(msg: Msg): SoxProps {
  return { rate: msg.rate, channels: msg.channels, bits: msg.bits, encoding: msg.encoding, format: msg.format };
}

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
    guardOutput(node, () => [configNode?.apiKey()]);
    const streams = new Map<string, StreamEntry>();
    // Streams that failed for good: their audio is dropped (counted) until the flow says start,
    // rather than opening a new failing connection for every chunk.
    const failed = new Map<string, { code: string; droppedBytes: number }>();
    // Stopped streams still finishing after the same key started a new one.
    const finishing = new Set<StreamEntry>();
    // New streams waiting for enough audio to know their format.
    const pending = new Map<string, PendingStream>();
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

    /** Reads a new stream's options from its first message; its format is decided from its audio. */
    const prepareStream = (msg: Msg): PendingStream => {
      if (!settings) throw setupError ?? new Error("soniox-transcribe is not configured");
      const overrides = splitStreamOverrides(msg.soniox);
      const start = streamStartMessage(base, overrides.soniox);
      const props = soxPropsOf(msg);
      const gate = new FormatGate({
        declared: audioFieldsOf(start),
        sox: props,
        convertToPcm: overrides.convertToPcm ?? settings.convertToPcm,
        floatHandling: settings.floatHandling,
      });
      return { gate, msg, props, start };
    };

    const createStream = (key: string, prepared: PendingStream, resolution: FormatResolution): StreamEntry => {
      if (!settings || !configNode) throw setupError ?? new Error("soniox-transcribe is not configured");
      const msg = prepared.msg;
      if (streams.size >= settings.maxStreams) {
        throw new SonioxError("invalid_state", `Too many streams: ${settings.maxStreams} are open, so "${key}" was not started. Stop unused streams or raise "Max streams".`);
      }
      const apiKey = configNode.apiKey();
      if (!apiKey) {
        throw new SonioxError("invalid_config", "No Soniox API key: set it in the soniox-config node or in the SONIOX_API_KEY environment variable");
      }
      const start = withAudioFields(prepared.start, resolution.audio);
      let entry: StreamEntry | null = null;
      // Created before the stream: a missing ffmpeg must refuse the message, not leave a stream behind.
      const pipeline = new AudioPipeline(resolution, {
        send: (bytes) => entry !== null && entry.stream.audio(bytes),
        queuedBytes: () => (entry === null ? 0 : entry.stream.session.queuedBytes),
        maxQueuedBytes: settings.maxQueuedBytes,
        warn: (w) => node.warn(`[${key}] ${w}`),
        fail: (err) => entry !== null && onPipelineFailed(key, entry, err),
        firstProps: prepared.props,
      });
      const stream = new TranscriptionStream({
        key,
        url: configNode.endpoint(),
        apiKey,
        authMethod: configNode.authMethod,
        start,
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
      const created: StreamEntry = { stream, pipeline, routing: routingOf(msg), warnedLateOverrides: false };
      entry = created;
      streams.set(key, created);
      for (const w of resolution.warnings) node.warn(`[${key}] ${w}`);
      const utterances = new UtteranceAssembler();
      stream.on("response", (r) => {
        node.send([responseMessage(key, created, r), null]);
        for (const u of utterances.push(r.tokens, r.finished)) node.send([null, utteranceMessage(key, created, u)]);
      });
      stream.on("restart", (r) => node.send([restartMessage(key, created, r), null]));
      stream.on("state", updateStatus);
      stream.on("warning", (w) => node.warn(`[${key}] ${w}`));
      stream.on("closed", (info) => onClosed(key, created, info));
      lastError = null;
      for (const chunk of prepared.gate.chunks) pipeline.push(chunk, prepared.props);
      return created;
    };

    /** ffmpeg failed: the stream cannot go on, so it ends gracefully with what Soniox already has. */
    const onPipelineFailed = (key: string, entry: StreamEntry, err: Error) => {
      const error = err instanceof SonioxError ? err : new SonioxError("invalid_config", err.message);
      const errorMsg: NodeMessage & Record<string, unknown> = {
        topic: key,
        payload: error.toJSON(),
        soniox: { stream: key, error: error.toJSON() },
        ...entry.routing,
      };
      node.error(`[${key}] ${error.message}`, errorMsg);
      entry.stream.control({ type: "stop" });
    };

    /** Stop waits for audio still inside ffmpeg; cancel drops it; other commands go at once. */
    const applyCommand = (entry: StreamEntry, command: ControlCommand) => {
      if (command.type === "stop") entry.pipeline.end(() => entry.stream.control(command));
      else {
        if (command.type === "cancel") entry.pipeline.destroy();
        entry.stream.control(command);
      }
    };

    const onClosed = (key: string, entry: StreamEntry, info: SessionClose) => {
      if (streams.get(key) === entry) streams.delete(key);
      finishing.delete(entry);
      entry.stream.removeAllListeners();
      entry.pipeline.destroy();
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
     * The stream a message belongs to, opened when the message starts one (once its format is
     * known: `audioTaken` says the message's audio went in with the opening); null when the
     * message needs nothing more (stop/cancel of nothing, audio of a stream stopped by an error,
     * audio held until the format is known).
     */
    const entryFor = (
      key: string,
      msg: Msg,
      command: ControlCommand | null,
      audio: Uint8Array | null,
    ): { entry: StreamEntry; audioTaken: boolean } | null => {
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
        return { entry, audioTaken: false };
      }
      let waiting = pending.get(key);
      if (!waiting) {
        if (!opens) {
          if (command?.type === "stop" || command?.type === "cancel") return null;
          throw new SonioxError("invalid_state", `No open stream "${key}" to ${command?.type}: send audio or a "start" command first`);
        }
        waiting = prepareStream(msg);
      } else if (command?.type === "cancel") {
        pending.delete(key);
        return null;
      }
      const resolution = (audio && waiting.gate.add(audio)) || (command ? waiting.gate.decide() : null);
      if (!resolution) {
        pending.set(key, waiting);
        return null;
      }
      pending.delete(key);
      return { entry: createStream(key, waiting, resolution), audioTaken: true };
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
        const found = entryFor(key, msg, command, audio);
        if (!found) return done();
        const { entry, audioTaken } = found;
        const stream = entry.stream;
        if (command && BEFORE_AUDIO.has(command.type)) stream.control(command);
        if (audio && !audioTaken && !entry.pipeline.push(audio, soxPropsOf(msg))) {
          throw new SonioxError("invalid_state", `Stream "${key}" is ${stream.state}: audio was not accepted`);
        }
        if (command && !BEFORE_AUDIO.has(command.type)) applyCommand(entry, command);
        done();
      } catch (err) {
        done(err as Error);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      for (const entry of [...streams.values(), ...finishing]) {
        entry.stream.removeAllListeners();
        entry.pipeline.destroy();
        entry.stream.cancel();
      }
      streams.clear();
      finishing.clear();
      failed.clear();
      pending.clear();
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
