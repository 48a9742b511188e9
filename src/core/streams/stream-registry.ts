import { EventEmitter } from "events";
import { AudioPipeline, FormatGate, type FormatResolution, type SoxProps } from "../audio";
import { FormatWaits, type Pending } from "./format-waits";
import type { Clock } from "../clock";
import { CONTROL_COMMANDS, type ControlCommand, type Routing } from "../control";
import { SonioxError, type WarningKey } from "../errors";
import { UtteranceAssembler, type Utterance } from "../filter";
import { TranscriptionStream, type AuthMethod, type SessionClose } from "../session";
import type { StreamResponse, StreamRestart, StreamState, StreamSummary, TransportFactory } from "../session";
import { audioFieldsOf, splitStreamOverrides, streamStartMessage, withAudioFields, type StreamSettings } from "./stream-options";
import { Tombstones, type Notice } from "./tombstones";

export interface Connection {
  url: string;
  apiKey: string;
  authMethod: AuthMethod;
}

export interface RegistryOptions {
  settings: StreamSettings;
  /** The node's own start message; msg.soniox of a stream's first message merges over it. */
  base: Record<string, unknown>;
  /** Where and how to connect; throws a SonioxError naming what is missing (no key, bad URL). */
  connection(): Connection;
  transport: TransportFactory;
  clock: Clock;
  /**
   * Assemble utterances (the "utterance" event); default true. A node whose utterance output is
   * not wired passes false: then no final tokens are held per stream and none are scanned per response.
   */
  utterances?: boolean;
}

/** One message, already taken apart by the node. */
export interface StreamInput {
  key: string;
  audio: Uint8Array | null;
  command: ControlCommand | null;
  /** msg.soniox; read on a stream's first message only. */
  overrides?: unknown;
  routing: Routing;
  props: SoxProps;
}

interface Source {
  key: string;
  routing: Routing;
}

export interface RegistryEvents {
  /** `stats` comes with the stream's last response (finished). */
  response: [event: Source & { session: number; response: StreamResponse; stats?: StreamSummary }];
  utterance: [event: Source & { session: number; utterance: Utterance }];
  restart: [event: Source & { restart: StreamRestart }];
  /** Some stream changed state: read summary(). */
  state: [];
  /** Already names its stream. */
  warning: [message: string, i18n?: WarningKey];
  /** A stream failed or was refused after its message was done. Not "error": an unheard "error" event throws. */
  failure: [event: Source & { error: SonioxError }];
  closed: [event: Source & { info: SessionClose }];
}

interface Entry extends Source {
  stream: TranscriptionStream;
  pipeline: AudioPipeline;
  utterances: UtteranceAssembler | null;
  warnedLateOverrides: boolean;
  /** The last emitted response left a non-final tail, which an empty response clears. */
  tail: boolean;
}

/**
 * Every stream of one transcribe node, by key: opens them on first audio or "start" once their
 * format is known, caps their number, keeps failed ones closed until "start", lets a stopped one
 * finish while the same key starts anew, assembles utterances, and closes them all.
 */
export class StreamRegistry extends EventEmitter<RegistryEvents> {
  private readonly open = new Map<string, Entry>();
  // Stopped streams still finishing after the same key started a new one.
  private readonly finishing = new Set<Entry>();
  private readonly pending: FormatWaits;
  private readonly tombstones = new Tombstones();
  private lastError: string | null = null;
  // Set by entryFor (a field rather than a returned pair: entryFor runs once per audio chunk).
  private audioTaken = false;

  constructor(private readonly opts: RegistryOptions) {
    super();
    this.pending = new FormatWaits(opts.clock, opts.settings.formatTimeoutMs, ({ key, routing }, error) => {
      this.emit("failure", { key, routing, error });
      this.emit("state");
    });
  }

  /** Takes one message; throws a SonioxError when it is refused (the node's done(err)). */
  input(m: StreamInput): void {
    const limit = this.opts.settings.maxQueuedBytes;
    if (m.audio && m.audio.length > limit) {
      throw new SonioxError(
        "invalid_config",
        `Stream "${m.key}": one message of ${mb(m.audio.length)} is more than the "Queue limit per stream" (${mb(limit)}), so it was refused. Send the audio in smaller chunks or raise the limit.`,
        { key: "streams.chunk-too-large", params: { stream: m.key, size: mb(m.audio.length), limit: mb(limit) } },
      );
    }
    const entry = this.entryFor(m);
    if (!entry) return;
    const audioTaken = this.audioTaken;
    const { command, audio } = m;
    if (command && CONTROL_COMMANDS[command.type].beforeAudio) entry.stream.control(command);
    if (audio && !audioTaken && !entry.pipeline.push(audio, m.props)) {
      throw new SonioxError("invalid_state", `Stream "${m.key}" is ${entry.stream.state}: audio was not accepted`, {
        key: "streams.audio-refused",
        params: { stream: m.key, state: entry.stream.state },
      });
    }
    if (command && !CONTROL_COMMANDS[command.type].beforeAudio) this.apply(entry, command);
  }

  /** The state of every open or finishing stream, and the code of the last stream failure since one opened. */
  summary(): { states: StreamState[]; lastError: string | null } {
    return { states: Array.from([...this.open.values(), ...this.finishing], (e) => e.stream.state), lastError: this.lastError };
  }

  /** Cancels every stream at once (flow stopped or redeployed); no events afterwards. */
  closeAll(): void {
    for (const entry of [...this.open.values(), ...this.finishing]) {
      entry.stream.removeAllListeners();
      entry.pipeline.destroy();
      entry.stream.cancel();
    }
    this.open.clear();
    this.finishing.clear();
    this.pending.clear();
    this.tombstones.clear();
  }

  /**
   * The stream a message belongs to, opened when the message starts one (once its format is
   * known: `this.audioTaken` says the message's audio went in with the opening); null when the
   * message needs nothing more (stop/cancel of nothing, audio of a stream stopped by an error,
   * audio held until the format is known).
   */
  private entryFor(m: StreamInput): Entry | null {
    const { key, command, audio } = m;
    this.audioTaken = false;
    if (this.tombstones.has(key) && !this.open.has(key)) {
      if (command && CONTROL_COMMANDS[command.type].clearsErrorStop) {
        this.notice(this.tombstones.lift(key));
      } else if (audio) {
        this.notice(this.tombstones.drop(key, audio.length));
        return null;
      }
    }
    let entry = this.open.get(key);
    const opens = audio !== null || (command !== null && CONTROL_COMMANDS[command.type].opens);
    if (entry && entry.stream.isEnding && opens) {
      // Stopped and now talking again: the old stream finishes in the background, a new one starts.
      this.open.delete(key);
      this.finishing.add(entry);
      entry = undefined;
    }
    if (entry) {
      Object.assign(entry.routing, m.routing);
      if (m.overrides !== undefined && !entry.warnedLateOverrides) {
        entry.warnedLateOverrides = true;
        this.warn(`[${key}] msg.soniox is only read on the first message of a stream; stop the stream to change its options`, {
          key: "streams.late-overrides",
          stream: key,
        });
      }
      return entry;
    }
    let waiting = this.pending.get(key);
    if (!waiting) {
      if (!opens) {
        if (command && CONTROL_COMMANDS[command.type].ends) return null;
        throw new SonioxError("invalid_state", `No open stream "${key}" to ${command?.type}: send audio or a "start" command first`, {
          key: "streams.no-stream",
          params: { stream: key, command: String(command?.type) },
        });
      }
      waiting = this.prepare(m);
    } else if (command && CONTROL_COMMANDS[command.type].ends === "at once") {
      this.pending.end(key);
      return null;
    } else {
      Object.assign(waiting.routing, m.routing);
    }
    const resolution = (audio && waiting.gate.add(audio)) || (command ? waiting.gate.decide() : null);
    if (!resolution) {
      this.pending.hold(waiting);
      return null;
    }
    this.pending.end(key);
    const created = this.create(waiting, resolution);
    this.audioTaken = true;
    return created;
  }

  /** Reads a new stream's options from its first message; its format is decided from its audio. */
  private prepare(m: StreamInput): Pending {
    const { maxStreams } = this.opts.settings;
    if (this.open.size + this.pending.size >= maxStreams) {
      const waiting = this.pending.size === 0 ? "" : ` (${this.pending.size} of them still waiting for enough audio to tell its format)`;
      const i18n = { key: waiting ? "streams.too-many-waiting" : "streams.too-many", params: { max: maxStreams, stream: m.key, waiting: this.pending.size } };
      throw new SonioxError("invalid_state", `Too many streams: ${maxStreams} are open, so "${m.key}" was not started${waiting}. Stop unused streams or raise "Max streams".`, i18n);
    }
    const overrides = splitStreamOverrides(m.overrides, this.opts.settings.passUnknownOptions);
    for (const w of overrides.warnings) this.warn(`[${m.key}] ${w.text}`, { ...w.i18n, stream: m.key });
    const start = streamStartMessage(this.opts.base, overrides.soniox);
    const gate = new FormatGate({
      declared: audioFieldsOf(start),
      sox: m.props,
      convertToPcm: overrides.convertToPcm ?? this.opts.settings.convertToPcm,
      floatHandling: this.opts.settings.floatHandling,
    });
    return { key: m.key, routing: { ...m.routing }, gate, props: m.props, start };
  }

  private create(prepared: Pending, resolution: FormatResolution): Entry {
    const { key } = prepared;
    const s = this.opts.settings;
    const connection = this.opts.connection();
    let entry: Entry | null = null;
    // Created before the stream: a missing ffmpeg must refuse the message, not leave a stream behind.
    const pipeline = new AudioPipeline(resolution, {
      send: (bytes) => entry !== null && entry.stream.audio(bytes),
      queuedBytes: () => (entry === null ? 0 : entry.stream.session.queuedBytes),
      maxQueuedBytes: s.maxQueuedBytes,
      warn: (w, i18n) => this.warn(`[${key}] ${w}`, i18n && { ...i18n, stream: key }),
      fail: (err) => entry !== null && this.onPipelineFailed(entry, err),
      firstProps: prepared.props,
    });
    const stream = new TranscriptionStream({
      key,
      ...connection,
      start: withAudioFields(prepared.start, resolution.audio),
      transport: this.opts.transport,
      clock: this.opts.clock,
      keepaliveIntervalMs: s.keepaliveIntervalMs,
      connectTimeoutMs: s.connectTimeoutMs,
      finishTimeoutMs: s.finishTimeoutMs,
      pacing: s.pacing,
      maxQueuedBytes: s.maxQueuedBytes,
      idleTimeoutMs: s.idleTimeoutMs,
      reconnect: s.reconnect,
      rotation: s.rotation,
      heartbeatIntervalMs: s.heartbeatIntervalMs,
      heartbeatTimeoutMs: s.heartbeatIntervalMs,
    });
    const created: Entry = {
      key,
      routing: prepared.routing,
      stream,
      pipeline,
      utterances: this.opts.utterances === false ? null : new UtteranceAssembler(),
      warnedLateOverrides: false,
      tail: false,
    };
    entry = created;
    this.open.set(key, created);
    resolution.warnings.forEach((w, i) => {
      const i18n = resolution.warningKeys[i];
      this.warn(`[${key}] ${w}`, i18n ? { ...i18n, stream: key } : undefined);
    });
    stream.on("response", (response) => {
      // The session that produced it: a retiring session's last words keep its number.
      const session = response.session;
      if (this.opts.settings.everyResponse || response.tokens.length > 0 || response.finished || created.tail) {
        created.tail = response.non_final_text !== "" || (response.translation !== undefined && response.translation.non_final_text !== "");
        this.emit("response", response.finished ? { key, routing: created.routing, session, response, stats: stream.summary() } : { key, routing: created.routing, session, response });
      }
      if (created.utterances === null) return;
      for (const utterance of created.utterances.push(response.tokens, response.finished)) {
        this.emit("utterance", { key, routing: created.routing, session, utterance });
      }
    });
    stream.on("restart", (restart) => {
      // The restart message itself clears the old session's tail downstream.
      created.tail = false;
      this.emit("restart", { key, routing: created.routing, restart });
    });
    stream.on("state", () => this.emit("state"));
    stream.on("warning", (w, i18n) => this.warn(`[${key}] ${w}`, i18n && { ...i18n, stream: key }));
    stream.on("closed", (info) => this.onClosed(created, info));
    this.lastError = null;
    for (const chunk of prepared.gate.chunks) pipeline.push(chunk, prepared.props);
    return created;
  }

  /** Stop waits for audio still inside ffmpeg; cancel drops it; other commands go at once. */
  private apply(entry: Entry, command: ControlCommand): void {
    const ends = CONTROL_COMMANDS[command.type].ends;
    if (ends === "after its audio") entry.pipeline.end(() => entry.stream.control(command));
    else {
      if (ends === "at once") entry.pipeline.destroy();
      entry.stream.control(command);
    }
  }

  /** ffmpeg failed: the stream cannot go on, so it ends gracefully with what Soniox already has. */
  private onPipelineFailed(entry: Entry, err: Error): void {
    const error = err instanceof SonioxError ? err : new SonioxError("invalid_config", err.message);
    this.emit("failure", { key: entry.key, routing: entry.routing, error });
    entry.stream.control({ type: "stop" });
  }

  private onClosed(entry: Entry, info: SessionClose): void {
    if (this.open.get(entry.key) === entry) this.open.delete(entry.key);
    this.finishing.delete(entry);
    entry.stream.removeAllListeners();
    entry.pipeline.destroy();
    if (info.error) {
      this.lastError = String(info.error.code);
      this.tombstones.mark(entry.key, String(info.error.code));
      this.emit("failure", { key: entry.key, routing: entry.routing, error: info.error });
    }
    this.emit("closed", { key: entry.key, routing: entry.routing, info });
    this.emit("state");
  }

  private warn(message: string | null, i18n?: WarningKey): void {
    if (message !== null) this.emit("warning", message, i18n);
  }

  private notice(n: Notice | null): void {
    if (n !== null) this.emit("warning", n.text, n.i18n);
  }
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
