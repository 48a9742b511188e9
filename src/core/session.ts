import { EventEmitter } from "events";
import { AssumedRateMeter, type AudioMeter } from "./audio-meter";
import type { Clock } from "./clock";
import { SonioxError } from "./errors";
import {
  END_OF_STREAM_FRAME,
  KEEPALIVE_FRAME,
  finalizeFrame,
  parseServerFrame,
  type SonioxResult,
} from "./protocol";
import { SendQueue } from "./send-queue";
import type { StartMessage } from "./start-message";
import type { AuthMethod, Transport, TransportFactory } from "./transport";

export type SessionState =
  | "idle"
  | "connecting"
  | "streaming"
  | "paused"
  | "finishing"
  | "finished"
  | "canceled"
  | "failed";

export type CloseReason = "finished" | "canceled" | "failed";

export interface SessionClose {
  reason: CloseReason;
  error?: SonioxError;
}

export interface SessionOptions {
  url: string;
  apiKey: string;
  authMethod?: AuthMethod;
  start: StartMessage;
  transport: TransportFactory;
  clock: Clock;
  /** Keepalive goes out when no audio was sent for this long; Soniox drops a silent stream after 20 s. */
  keepaliveIntervalMs?: number;
  connectTimeoutMs?: number;
  finishTimeoutMs?: number;
  pacing?: boolean;
  paceLeadMs?: number;
  paceSliceMs?: number;
  maxQueuedBytes?: number;
  /** Measures audio time for pacing; raw formats know it, containers need a decoder or a guess. */
  meter?: AudioMeter;
}

export interface SessionStats {
  audioBytesIn: number;
  audioBytesSent: number;
  audioMsSent: number;
  /** Oldest audio pushed out by the queue bound. */
  droppedBytes: number;
  /** Audio that arrived while paused (dropped on purpose, as pause means). */
  pausedBytes: number;
  keepalivesSent: number;
  responses: number;
}

export interface SessionEvents {
  state: [state: SessionState, previous: SessionState];
  open: [];
  result: [result: SonioxResult];
  warning: [message: string];
  close: [info: SessionClose];
}

const MAX_KEEPALIVE_MS = 20000;
/** Until a meter is chosen (before the first audio), any rate will do: nothing is paced yet. */
const PLACEHOLDER_BYTES_PER_MS = 32;

/**
 * One Soniox real-time stream: connect, start message, ordered audio/control, keepalive,
 * pause, graceful end and cancel. Every method checks the state first; end and cancel are
 * idempotent; the `close` event fires exactly once.
 */
export class SonioxSession extends EventEmitter<SessionEvents> {
  private stateValue: SessionState = "idle";
  private transport: Transport | null = null;
  private readonly queue: SendQueue;
  private readonly clock: Clock;
  private readonly keepaliveMs: number;
  private connectTimer: unknown = null;
  private keepaliveTimer: unknown = null;
  private finishTimer: unknown = null;
  private lastActivityAt = 0;
  private closedInfo: SessionClose | null = null;
  private warnedApproximate = false;
  private warnedDrop = false;
  private queueOpen = false;
  readonly stats: SessionStats = {
    audioBytesIn: 0,
    audioBytesSent: 0,
    audioMsSent: 0,
    droppedBytes: 0,
    pausedBytes: 0,
    keepalivesSent: 0,
    responses: 0,
  };

  constructor(private readonly opts: SessionOptions) {
    super();
    this.clock = opts.clock;
    this.keepaliveMs = Math.min(opts.keepaliveIntervalMs ?? 8000, MAX_KEEPALIVE_MS);
    this.queue = new SendQueue(
      {
        clock: opts.clock,
        pacing: opts.pacing ?? true,
        leadMs: opts.paceLeadMs ?? 500,
        sliceMs: opts.paceSliceMs ?? 120,
        maxQueuedBytes: opts.maxQueuedBytes ?? 16 * 1024 * 1024,
        sendAudio: (chunk, ms) => this.sendAudioFrame(chunk, ms),
        sendText: (text) => this.transport?.send(text),
        onDrop: (bytes) => this.noteDrop(bytes),
      },
      opts.meter ?? new AssumedRateMeter(PLACEHOLDER_BYTES_PER_MS),
    );
  }

  get state(): SessionState {
    return this.stateValue;
  }

  get isClosed(): boolean {
    return this.closedInfo !== null;
  }

  get queuedBytes(): number {
    return this.queue.queuedBytes;
  }

  /** Chooses how audio time is measured (see SendQueue.useMeter); only before the first audio. */
  useMeter(meter: AudioMeter): void {
    this.queue.useMeter(meter);
  }

  /** Lets the pacer look again, e.g. after a container meter learned the real byte rate. */
  repace(): void {
    this.queue.poke();
  }

  start(): void {
    if (this.stateValue !== "idle") return;
    this.setState("connecting");
    this.connectTimer = this.clock.setTimeout(() => {
      this.connectTimer = null;
      this.fail(new SonioxError("connect_timeout", `Could not connect to Soniox within ${this.connectTimeoutMs()} ms`));
    }, this.connectTimeoutMs());
    try {
      this.transport = this.opts.transport(
        {
          url: this.opts.url,
          apiKey: this.opts.apiKey,
          authMethod: this.opts.authMethod ?? "header",
          handshakeTimeoutMs: this.connectTimeoutMs(),
        },
        {
          open: () => this.onOpen(),
          message: (data, isBinary) => this.onMessage(data, isBinary),
          close: (code, reason) => this.onTransportClose(code, reason),
          error: (err, status) => this.onTransportError(err, status),
        },
      );
    } catch (err) {
      this.fail(new SonioxError("connection_failed", `Could not open a connection to Soniox: ${(err as Error).message}`));
    }
  }

  /** Queues audio; starts the session if it is idle. Returns false if the audio was not taken. */
  sendAudio(chunk: Uint8Array): boolean {
    if (chunk.length === 0) return true;
    switch (this.stateValue) {
      case "idle":
        this.start();
        break;
      case "paused":
        this.stats.pausedBytes += chunk.length;
        return true;
      case "connecting":
      case "streaming":
        break;
      default:
        return false;
    }
    if (this.isClosed) return false;
    this.stats.audioBytesIn += chunk.length;
    this.queue.pushAudio(chunk);
    return true;
  }

  finalize(trailingSilenceMs?: number): void {
    this.requireLive("finalize");
    this.queue.pushText(finalizeFrame(trailingSilenceMs));
  }

  keepalive(): void {
    this.requireLive("keepalive");
    this.queue.pushText(KEEPALIVE_FRAME, () => this.noteKeepalive());
  }

  /** Finalizes what was said, then drops incoming audio while keepalives hold the stream open. */
  pause(): void {
    if (this.stateValue === "paused") return;
    this.requireLive("pause");
    if (this.stateValue === "idle") this.start();
    this.queue.pushText(finalizeFrame());
    this.setState("paused");
  }

  resume(): void {
    if (this.stateValue !== "paused") return;
    this.setState(this.transport && this.queueOpen ? "streaming" : "connecting");
  }

  /** Graceful end: queued audio goes out, then end-of-stream, then wait for `finished`. */
  end(): void {
    switch (this.stateValue) {
      case "idle":
        this.finish({ reason: "finished" });
        return;
      case "connecting":
      case "streaming":
      case "paused":
        this.setState("finishing");
        this.queue.pushText(END_OF_STREAM_FRAME, () => this.armFinishTimer());
        return;
      default:
        return;
    }
  }

  /** Immediate stop; nothing more is sent or emitted except `close`. */
  cancel(): void {
    if (this.isClosed) return;
    this.finish({ reason: "canceled" });
  }

  private connectTimeoutMs(): number {
    return this.opts.connectTimeoutMs ?? 10000;
  }

  private requireLive(action: string): void {
    if (this.isClosed || this.stateValue === "finishing") {
      throw new SonioxError("invalid_state", `Cannot ${action}: the stream is ${this.stateValue}`);
    }
  }

  private onOpen(): void {
    if (this.isClosed || !this.transport) return;
    this.clearTimer("connectTimer");
    this.transport.send(JSON.stringify(this.opts.start));
    this.lastActivityAt = this.clock.now();
    if (this.stateValue === "connecting") this.setState("streaming");
    this.emit("open");
    this.queueOpen = true;
    this.queue.open();
    this.scheduleKeepalive();
  }

  private onMessage(data: string, isBinary: boolean): void {
    if (this.isClosed) return;
    if (isBinary) {
      this.emit("warning", "Soniox sent a binary frame; ignored (results are JSON text)");
      return;
    }
    const frame = parseServerFrame(data);
    if (frame.kind === "invalid") {
      this.emit("warning", frame.reason);
      return;
    }
    if (frame.kind === "error") {
      this.fail(new SonioxError(frame.error.error_code, `Soniox error ${frame.error.error_code}: ${frame.error.error_message}`));
      return;
    }
    this.stats.responses++;
    this.emit("result", frame.result);
    if (frame.result.finished) this.finish({ reason: "finished" });
  }

  private onTransportClose(code: number, reason: string): void {
    if (this.isClosed) return;
    const detail = reason ? `${code} ${reason}` : `${code}`;
    this.fail(new SonioxError("connection_closed", `Connection to Soniox closed before the stream finished (${detail})`));
  }

  private onTransportError(err: Error, status?: number): void {
    if (this.isClosed) return;
    this.fail(new SonioxError(status ?? "connection_failed", err.message));
  }

  private sendAudioFrame(chunk: Uint8Array, ms: number): void {
    this.transport?.send(chunk);
    this.stats.audioBytesSent += chunk.length;
    this.stats.audioMsSent += ms;
    this.lastActivityAt = this.clock.now();
    if (!this.warnedApproximate && this.queueMeterApproximate()) {
      this.warnedApproximate = true;
      this.emit("warning", "Pacing is approximate: the duration of this container audio cannot be measured here (install ffmpeg for exact pacing)");
    }
  }

  private queueMeterApproximate(): boolean {
    return (this.opts.pacing ?? true) && this.queue.meterApproximate;
  }

  private noteKeepalive(): void {
    this.stats.keepalivesSent++;
    this.lastActivityAt = this.clock.now();
  }

  private noteDrop(bytes: number): void {
    this.stats.droppedBytes += bytes;
    if (!this.warnedDrop) {
      this.warnedDrop = true;
      this.emit("warning", `Audio queue full: dropped the oldest ${bytes} bytes of audio (dropped bytes are counted in stats). Raise the queue bound or feed audio closer to real time.`);
    }
  }

  /** One timer per session, re-armed from the last activity: no timer work per audio chunk. */
  private scheduleKeepalive(): void {
    this.keepaliveTimer = this.clock.setTimeout(() => {
      this.keepaliveTimer = null;
      if (this.isClosed) return;
      const idle = this.clock.now() - this.lastActivityAt;
      if (idle >= this.keepaliveMs && this.queue.pending === 0) {
        this.transport?.send(KEEPALIVE_FRAME);
        this.noteKeepalive();
      }
      this.scheduleKeepalive();
    }, Math.max(1, this.keepaliveMs - (this.clock.now() - this.lastActivityAt)));
  }

  private armFinishTimer(): void {
    const ms = this.opts.finishTimeoutMs ?? 10000;
    this.finishTimer = this.clock.setTimeout(() => {
      this.finishTimer = null;
      this.fail(new SonioxError("finish_timeout", `Soniox did not confirm the end of the stream within ${ms} ms`));
    }, ms);
  }

  private fail(error: SonioxError): void {
    this.finish({ reason: "failed", error });
  }

  private finish(info: SessionClose): void {
    if (this.closedInfo) return;
    this.closedInfo = info;
    this.clearTimer("connectTimer");
    this.clearTimer("keepaliveTimer");
    this.clearTimer("finishTimer");
    this.queue.close();
    const transport = this.transport;
    this.transport = null;
    if (transport) {
      if (info.reason === "finished") transport.close(1000);
      else transport.terminate();
    }
    this.setState(info.reason);
    this.emit("close", info);
  }

  private clearTimer(name: "connectTimer" | "keepaliveTimer" | "finishTimer"): void {
    const handle = this[name];
    if (handle !== null) this.clock.clearTimeout(handle);
    this[name] = null;
  }

  private setState(state: SessionState): void {
    const previous = this.stateValue;
    if (previous === state) return;
    this.stateValue = state;
    this.emit("state", state, previous);
  }
}
