/**
 * What happens to a stream's bytes between the flow and the Soniox session, per the plan its
 * format resolution chose: sent as they are, a WAV header skipped, converted in-process, or
 * transcoded by ffmpeg. Every chunk is also checked against the declared format (reported once).
 */
import type { MessageKey } from "../errors";
import type { RawAudioSpec } from "./audio-format";
import { describeSpec, type FormatResolution, type SoxProps } from "./format-declaration";
import { MismatchDetector, type MismatchReport } from "./mismatch";
import { PcmConverter } from "./pcm-convert";
import { createTranscoder, type Transcoder, type TranscoderOptions } from "./transcoder";
import { WavBody } from "./wav-body";

export interface PipelineOptions {
  /** Takes the processed audio (the stream); false when it no longer accepts audio. */
  send(bytes: Uint8Array): boolean;
  /** Audio waiting in the stream's queue, for holding back ffmpeg's output while it is full. */
  queuedBytes(): number;
  /** Above this much queued audio the transcoder's output is paused. */
  maxQueuedBytes: number;
  /** `i18n`: the warning's catalogue key, when it has one. */
  warn(message: string, i18n?: MessageKey): void;
  /** The pipeline cannot go on (ffmpeg failed); the stream should end. */
  fail(err: Error): void;
  /** Sox-style properties of the stream's first message (to notice them changing). */
  firstProps: SoxProps;
  /** Test seam: the transcoder factory. */
  createTranscoder?: (options: TranscoderOptions) => Transcoder;
}

const SOURCE_NAMES: Readonly<Record<string, string>> = {
  message: "the message properties (msg.rate/channels/bits/encoding)",
  setting: "the node's audio setting (or msg.soniox)",
  "wav-header": "the WAV header",
};
/** Their catalogue keys (under warnings.). */
const SOURCE_KEYS: Readonly<Record<string, string>> = {
  message: "audio.by-message",
  setting: "audio.by-setting",
  "wav-header": "audio.by-wav-header",
};
/** How often a paused transcoder checks whether the stream's queue has room again. */
const QUEUE_POLL_MS = 100;

export class AudioPipeline {
  private readonly mismatch: MismatchDetector;
  private readonly wav: WavBody | null = null;
  private readonly converter: PcmConverter | null = null;
  private readonly transcoder: Transcoder | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private afterEnd: (() => void) | null = null;
  private ended = false;
  private destroyed = false;

  /** Throws a SonioxError when the plan needs ffmpeg and there is none. */
  constructor(private readonly resolution: FormatResolution, private readonly opts: PipelineOptions) {
    const { plan, input, source } = resolution;
    // The detector checks the bytes as declared: after any WAV header, before any conversion.
    const declared = plan.action === "transcode" ? plan.input : input;
    this.mismatch = new MismatchDetector({ declared, declaredBy: SOURCE_NAMES[source] ?? "the declared format",
      declaredByKey: SOURCE_KEYS[source] ?? "audio.by-declared",
      firstProps: opts.firstProps });
    if (plan.action === "skip-wav-header" || (plan.action === "convert" && plan.wav)) {
      this.wav = new WavBody(
        (info, index) => this.onWavHeader(info, index),
        (reason) =>
          opts.warn(`A WAV header in this stream could not be read (${reason}); the bytes after it are sent as they are.`, {
            key: "audio.wav-header-unreadable",
            params: { reason },
          }),
      );
    }
    if (plan.action === "convert") this.converter = new PcmConverter(plan.input);
    if (plan.action === "transcode") {
      this.transcoder = (opts.createTranscoder ?? createTranscoder)({
        input: plan.input,
        onData: (pcm) => this.deliver(pcm),
        onError: (err) => this.onTranscoderError(err),
        onEnd: () => this.finish(),
      });
    }
  }

  /** One message's audio, with that message's sox-style properties. False once the pipeline is ended. */
  push(chunk: Uint8Array, props: SoxProps): boolean {
    if (this.ended || this.destroyed) return false;
    // The usual case, once per audio chunk: no WAV header to look for, so no parts array.
    if (!this.wav) return this.pushPart(chunk, props);
    const parts = this.wav.push(chunk);
    if (parts.length === 0) this.report(this.mismatch.check(new Uint8Array(0), props));
    let accepted = true;
    for (const part of parts) accepted = this.pushPart(part, props) && accepted;
    return accepted;
  }

  /**
   * The audio goes out first and is checked after: the check reads the bytes without changing
   * them, and on a stream's first chunks (where it gathers sample-format evidence) it costs more
   * than the send, so checking first would delay the first audio on the socket.
   */
  private pushPart(part: Uint8Array, props: SoxProps): boolean {
    let accepted = true;
    if (this.transcoder) this.transcoder.write(part);
    else accepted = this.opts.send(this.converter ? this.converter.push(part) : part);
    this.report(this.mismatch.check(part, props));
    return accepted;
  }

  /** No more audio: `then` runs once everything is out (at once, unless ffmpeg still has some). */
  end(then: () => void): void {
    if (this.ended || this.destroyed) return then();
    this.ended = true;
    this.report(this.mismatch.end());
    const dropped = this.converter?.flush() ?? 0;
    if (dropped > 0) {
      this.opts.warn(`The stream ended inside a sample frame; its last ${dropped} bytes were dropped.`, { key: "audio.partial-frame", params: { bytes: dropped } });
    }
    if (!this.transcoder) return then();
    this.afterEnd = then;
    this.transcoder.resumeOutput();
    this.transcoder.end();
  }

  /** Stops at once: kills ffmpeg, no callbacks afterwards. */
  destroy(): void {
    this.destroyed = true;
    this.afterEnd = null;
    this.stopPolling();
    this.transcoder?.destroy();
  }

  private deliver(pcm: Buffer): void {
    if (this.destroyed) return;
    this.opts.send(pcm);
    // The stream paces at real time while ffmpeg decodes far faster: hold ffmpeg back (it then
    // stops reading its input) rather than let the stream's queue overflow and drop audio.
    if (this.opts.queuedBytes() > this.opts.maxQueuedBytes / 2 && this.pollTimer === null) {
      this.transcoder!.pauseOutput();
      this.pollTimer = setInterval(() => {
        if (this.opts.queuedBytes() > this.opts.maxQueuedBytes / 4) return;
        this.stopPolling();
        this.transcoder!.resumeOutput();
      }, QUEUE_POLL_MS);
      this.pollTimer.unref();
    }
  }

  private onWavHeader(info: RawAudioSpec, index: number): void {
    const first = this.resolution.input;
    if (index === 0 || !first) return;
    if (info.format !== first.format || info.sampleRate !== first.sampleRate || info.channels !== first.channels) {
      this.opts.warn(
        `A new WAV file in this stream is ${describeSpec(info)} but the stream started as ${describeSpec(first)}; its samples are misread. ` +
          "Stop the stream (msg.control \"stop\") between files of different formats.",
        { key: "audio.wav-format-changed", params: { now: describeSpec(info), first: describeSpec(first) } },
      );
    }
  }

  private onTranscoderError(err: Error): void {
    this.stopPolling();
    this.afterEnd = null;
    if (!this.destroyed) this.opts.fail(err);
  }

  private finish(): void {
    this.stopPolling();
    const then = this.afterEnd;
    this.afterEnd = null;
    then?.();
  }

  private stopPolling(): void {
    if (this.pollTimer !== null) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private report(reports: readonly MismatchReport[]): void {
    if (reports.length === 0) return;
    for (const r of reports) this.opts.warn(r.message, r.i18n);
  }
}
