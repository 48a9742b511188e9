/**
 * One client's conversation with the Wyoming speech-to-text server: describe → info, ping →
 * pong, and per voice command transcribe → audio-start → audio-chunk… → audio-stop, answered by
 * transcript (with transcript-start/-chunk/-stop around it when streaming). The flow's side is
 * reached through WyomingHandlers; the socket through a Sink, so this is testable without one.
 */
import type { Clock } from "../clock";
import { encodeEvent, FrameParser, WyomingProtocolError, type FrameLimits, type WyomingEvent } from "./frame";
import { languageHint } from "./info";
import { TranscriptBuilder, type Delivery } from "./transcript";

export interface AudioFormat {
  rate: number;
  width: number;
  channels: number;
}

/** One voice command, as the flow sees it. */
export interface WyomingCommand {
  /** Unique in the process: the flow routes its answer back by it. */
  readonly id: string;
  readonly connection: string;
  /** The client's language as given (null when it named none). */
  readonly language: string | null;
  /** The Soniox language hint for it (null when Soniox does not know the language). */
  readonly hint: string | null;
  readonly format: AudioFormat;
  /** The `transcribe` event's data (name, context, vad_sensitivity…), {} when it sent none. */
  readonly request: Record<string, unknown>;
  readonly endpointing: boolean;
}

export type DeliveryResult = "added" | "answered" | "settled";

export type CancelReason = "disconnect" | "answered" | "protocol-error" | "timeout" | "replaced" | "closing";

export interface WyomingHandlers {
  start(command: WyomingCommand): void;
  audio(command: WyomingCommand, audio: Buffer, format: AudioFormat): void;
  stop(command: WyomingCommand): void;
  /** The command's Soniox stream is no longer wanted (its transcript is settled or nobody waits for it). */
  cancel(command: WyomingCommand, reason: CancelReason): void;
  /** The command left the table of live commands (answered, cancelled, timed out). */
  ended(command: WyomingCommand): void;
  /** The flow did not answer in time: the client got an empty transcript. */
  timeout(command: WyomingCommand, waitedMs: number): void;
  /** The client sent something malformed: it got an error event and the connection closes. */
  protocolError(connection: string, error: WyomingProtocolError): void;
}

export interface Sink {
  write(bytes: Buffer): void;
  /** Close after what was written has gone out. */
  end(): void;
}

export interface ConnectionOptions {
  id: string;
  limits: Partial<FrameLimits>;
  info: () => Record<string, unknown>;
  streaming: boolean;
  endpointing: boolean;
  /** How long after audio-stop the flow has to answer. */
  responseTimeoutMs: number;
  clock: Clock;
  handlers: WyomingHandlers;
  /** The server's record of live commands, for routing answers. */
  commands: Map<string, Connection>;
}

type Phase = "idle" | "requested" | "streaming" | "stopped" | "answered";

const SUPPORTED = "describe, ping, transcribe, audio-start, audio-chunk, audio-stop";

export class Connection {
  readonly #o: ConnectionOptions;
  readonly #sink: Sink;
  readonly #parser: FrameParser;
  #phase: Phase = "idle";
  #request: Record<string, unknown> = {};
  #command: WyomingCommand | null = null;
  #transcript: TranscriptBuilder | null = null;
  #started = false;
  #timer: unknown = null;
  #count = 0;
  #closed = false;

  constructor(options: ConnectionOptions, sink: Sink) {
    this.#o = options;
    this.#sink = sink;
    this.#parser = new FrameParser(options.limits);
  }

  get id(): string {
    return this.#o.id;
  }

  /** Bytes from the client. */
  receive(chunk: Buffer): void {
    if (this.#closed) return;
    let events: WyomingEvent[];
    try {
      events = this.#parser.push(chunk);
    } catch (err) {
      this.#malformed(err as WyomingProtocolError);
      return;
    }
    for (const e of events) this.#handle(e);
  }

  /** The client went away (or the server is closing). */
  closed(reason: CancelReason = "disconnect"): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#parser.end();
    } catch {
      // A half-sent event from a client that is gone: there is nobody left to tell.
    }
    this.#endCommand(reason);
  }

  /** Adds the flow's text to the command's transcript; "settled" when the command no longer waits for any. */
  deliver(commandId: string, d: Delivery): DeliveryResult {
    const command = this.#command;
    if (command === null || command.id !== commandId || this.#transcript === null || this.#closed) return "settled";
    // The client learns why before it gets what was heard so far, rather than waiting for the timeout.
    if (d.kind === "failure") this.#send("error", { text: `Soniox could not transcribe this command: ${d.message}`, code: "transcription-failed" });
    const step = this.#transcript.push(d);
    if (this.#o.streaming && step.added !== "") {
      this.#startTranscript();
      this.#send("transcript-chunk", { text: step.added });
    }
    if (!step.complete) return "added";
    this.#answer(this.#transcript.text);
    return "answered";
  }

  #handle(e: WyomingEvent): void {
    switch (e.type) {
      case "describe":
        this.#send("info", this.#o.info());
        return;
      case "ping":
        this.#send("pong", { text: typeof e.data.text === "string" ? e.data.text : null });
        return;
      case "transcribe":
        if (this.#phase === "streaming" || this.#phase === "stopped") this.#endCommand("replaced");
        this.#phase = "requested";
        this.#request = e.data;
        return;
      case "audio-start":
        this.#audioStart(e);
        return;
      case "audio-chunk":
        this.#audioChunk(e);
        return;
      case "audio-stop":
        this.#audioStop();
        return;
      default:
        this.#send("error", { text: `Unknown event "${e.type.slice(0, 60)}": this server does speech-to-text only (${SUPPORTED})`, code: "unknown-event" });
    }
  }

  #audioStart(e: WyomingEvent): void {
    if (this.#phase === "streaming" || this.#phase === "stopped") this.#endCommand("replaced");
    const format = formatOf(e.data);
    if (format === null) {
      this.#send("error", { text: "audio-start needs whole numbers rate, width and channels (e.g. 16000, 2, 1)", code: "bad-format" });
      return;
    }
    this.#begin(format);
  }

  #audioChunk(e: WyomingEvent): void {
    if (this.#phase === "answered") return;
    const format = formatOf(e.data);
    if (format === null) {
      this.#send("error", { text: "audio-chunk needs whole numbers rate, width and channels (e.g. 16000, 2, 1)", code: "bad-format" });
      return;
    }
    // audio-start is required, but a chunk says everything it would have: start the command.
    if (this.#phase !== "streaming") this.#begin(format);
    if (e.payload !== null && this.#command !== null) this.#o.handlers.audio(this.#command, e.payload, format);
  }

  #audioStop(): void {
    if (this.#phase === "answered") {
      this.#reset();
      return;
    }
    if (this.#phase !== "streaming" || this.#command === null) {
      this.#send("error", { text: "audio-stop without audio-start: send transcribe, audio-start, audio-chunk… then audio-stop", code: "unexpected-event" });
      return;
    }
    this.#phase = "stopped";
    const command = this.#command;
    const waited = this.#o.responseTimeoutMs;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = null;
      if (this.#command !== command) return;
      this.#answer("");
      this.#o.handlers.timeout(command, waited);
      this.#o.handlers.cancel(command, "timeout");
    }, waited);
    this.#o.handlers.stop(command);
  }

  #begin(format: AudioFormat): void {
    const language = typeof this.#request.language === "string" && this.#request.language !== "" ? this.#request.language : null;
    const command: WyomingCommand = {
      id: `${this.#o.id}-${++this.#count}`,
      connection: this.#o.id,
      language,
      hint: languageHint(language),
      format,
      request: this.#request,
      endpointing: this.#o.endpointing,
    };
    this.#request = {};
    this.#command = command;
    this.#transcript = new TranscriptBuilder(command.endpointing);
    this.#started = false;
    this.#phase = "streaming";
    this.#o.commands.set(command.id, this);
    this.#o.handlers.start(command);
  }

  /** The transcript goes to the client; the command's Soniox stream is then no longer needed. */
  #answer(text: string): void {
    const command = this.#command as WyomingCommand;
    const language = command.language ?? undefined;
    if (this.#o.streaming) this.#startTranscript();
    this.#send("transcript", language === undefined ? { text } : { text, language });
    if (this.#o.streaming) this.#send("transcript-stop");
    const early = this.#phase === "streaming";
    this.#forget();
    if (early) {
      // Ended by a Soniox endpoint while the client still sends: its audio is ignored until audio-stop.
      this.#phase = "answered";
      this.#o.handlers.cancel(command, "answered");
    } else {
      this.#phase = "idle";
    }
  }

  #startTranscript(): void {
    if (this.#started) return;
    this.#started = true;
    const language = this.#command?.language;
    this.#send("transcript-start", language ? { language } : {});
  }

  #endCommand(reason: CancelReason): void {
    const command = this.#command;
    const live = command !== null && (this.#phase === "streaming" || this.#phase === "stopped");
    this.#forget();
    this.#phase = "idle";
    if (live) this.#o.handlers.cancel(command, reason);
  }

  #reset(): void {
    this.#forget();
    this.#phase = "idle";
  }

  #forget(): void {
    if (this.#timer !== null) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
    const command = this.#command;
    this.#command = null;
    this.#transcript = null;
    if (command !== null) {
      this.#o.commands.delete(command.id);
      this.#o.handlers.ended(command);
    }
  }

  #malformed(err: WyomingProtocolError): void {
    this.#send("error", { text: err.message, code: err.code });
    this.#closed = true;
    this.#endCommand("protocol-error");
    this.#o.handlers.protocolError(this.#o.id, err);
    this.#sink.end();
  }

  #send(type: string, data?: Record<string, unknown>): void {
    this.#sink.write(encodeEvent(type, data));
  }
}

function formatOf(data: Record<string, unknown>): AudioFormat | null {
  const { rate, width, channels } = data;
  const ok = (v: unknown, max: number): v is number => typeof v === "number" && Number.isInteger(v) && v > 0 && v <= max;
  if (!ok(rate, 384000) || !ok(width, 4) || !ok(channels, 32)) return null;
  return { rate, width, channels };
}
