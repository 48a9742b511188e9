/**
 * The soniox-control node's inline mode for one stream: it watches the audio passing through and
 * decides which commands go before and after each chunk. Everything is measured in audio time
 * (bytes → ms), so the decisions are the same whether the audio arrives live or as a file read
 * much faster than real time.
 */
import type { RawAudioSpec } from "../audio";
import type { ControlCommand } from "./command-table";
import { DEFAULT_MIN_FINALIZE_INTERVAL_MS, FinalizeLimiter } from "./commands";
import { SNIFF_HEAD_BYTES, sniffContainer } from "../audio";
import { EnergyVad, specFromMessage, type SoxAudioProps } from "./vad";
import { parseWavHeader } from "../audio";
import type { MessageKey } from "../errors";

export type LongSilenceAction = "none" | "pause" | "stop";

export interface InlineOptions {
  /** A 10 ms window at or above this RMS level (dBFS) is speech. */
  thresholdDb: number;
  /** Silence after speech that triggers a finalize. */
  silenceMs: number;
  /** Least audio time between two finalize commands. */
  minFinalizeIntervalMs: number;
  /** What to do once silence lasts longSilenceMs: nothing, pause the session, or stop the stream. */
  longSilenceAction: LongSilenceAction;
  longSilenceMs: number;
  /** Format of raw audio when the message does not declare one. */
  fallback: RawAudioSpec;
}

export const DEFAULT_INLINE_OPTIONS: InlineOptions = {
  thresholdDb: -40,
  silenceMs: 500,
  minFinalizeIntervalMs: DEFAULT_MIN_FINALIZE_INTERVAL_MS,
  longSilenceAction: "none",
  longSilenceMs: 30000,
  fallback: { format: "pcm_s16le", sampleRate: 16000, channels: 1 },
};

export interface ChunkDecision {
  /** Commands to send before the chunk (resume / start, so the speech is not dropped). */
  before: ControlCommand[];
  /** Commands to send after the chunk (finalize, pause, stop). */
  after: ControlCommand[];
  /** False only for silent audio while the stream is stopped: passing it on would restart it. */
  pass: boolean;
  activity: "speech" | "silence" | "unknown";
  /** Set once per stream when its audio cannot be analysed (and is passed through as is). */
  warning: string | null;
  /** The warning's catalogue key, so the node can say it in the user's language. */
  warningKey?: MessageKey;
}

type HeadWarning = { text: string; i18n: MessageKey };

/** A WAV header split over many tiny chunks is given up on past this many bytes. */
const MAX_HEAD_BYTES = 65536;
/** Soniox takes trailing_silence_ms as an integer; the transcribe node accepts up to 60 s. */
const MAX_TRAILING_SILENCE_MS = 60000;

export class InlineStream {
  readonly #opts: InlineOptions;
  readonly #limiter: FinalizeLimiter;
  #phase: "head" | "pcm" | "opaque" = "head";
  #head: Buffer[] = [];
  #headBytes = 0;
  #vad: EnergyVad | null = null;
  #audioMs = 0;
  #trailingSilenceMs = 0;
  #speechSinceFinalize = false;
  #held: "none" | "paused" | "stopped" = "none";

  constructor(options: Partial<InlineOptions> = {}) {
    this.#opts = { ...DEFAULT_INLINE_OPTIONS, ...options };
    const { silenceMs, longSilenceMs } = this.#opts;
    if (!(silenceMs > 0)) throw new RangeError(`Silence before finalize must be more than 0 ms, got ${String(silenceMs)}`);
    if (!(longSilenceMs > 0)) throw new RangeError(`Long silence must be more than 0 ms, got ${String(longSilenceMs)}`);
    this.#limiter = new FinalizeLimiter(this.#opts.minFinalizeIntervalMs);
  }

  /** Audio time seen so far on this stream (ms). */
  get audioMs(): number {
    return this.#audioMs;
  }

  /** True while this stream is paused or stopped because of long silence. */
  get held(): boolean {
    return this.#held !== "none";
  }

  /** Decide what goes around one chunk of the stream's audio. */
  chunk(bytes: Uint8Array, props: SoxAudioProps): ChunkDecision {
    let pcm: Uint8Array;
    if (this.#phase === "opaque") return passThrough(null);
    if (this.#phase === "head") {
      const found = this.#readHead(bytes, props);
      if (found === "wait") return passThrough(null);
      if (!(found instanceof Uint8Array)) return passThrough(found.text, found.i18n);
      pcm = found;
    } else {
      pcm = bytes;
    }
    const windows = this.#vad!.analyse(pcm);
    const speech = windows.some((w) => w.speech);
    const before: ControlCommand[] = [];
    const after: ControlCommand[] = [];
    if (speech && this.#held === "paused") before.push({ type: "resume" });
    if (speech && this.#held === "stopped") before.push({ type: "start" });
    if (speech) this.#held = "none";
    const pass = this.#held !== "stopped";
    for (const w of windows) {
      this.#audioMs += w.ms;
      if (w.speech) {
        this.#trailingSilenceMs = 0;
        this.#speechSinceFinalize = true;
      } else {
        this.#trailingSilenceMs += w.ms;
      }
    }
    const silence = this.#trailingSilenceMs;
    if (this.#speechSinceFinalize && silence >= this.#opts.silenceMs && this.#limiter.waitAt(this.#audioMs) === 0) {
      after.push({ type: "finalize", trailing_silence_ms: Math.min(MAX_TRAILING_SILENCE_MS, Math.round(silence)) });
      this.#limiter.sentAt(this.#audioMs);
      this.#speechSinceFinalize = false;
    }
    const action = this.#opts.longSilenceAction;
    if (action !== "none" && this.#held === "none" && silence >= this.#opts.longSilenceMs) {
      // Both pause and end of stream finalize by themselves, so a finalize still held back by the
      // rate limit is not lost.
      after.push({ type: action });
      this.#held = action === "pause" ? "paused" : "stopped";
      this.#speechSinceFinalize = false;
    }
    return { before, after, pass, activity: speech ? "speech" : "silence", warning: null };
  }

  /**
   * Collects the first bytes until it is clear what the stream holds. Returns the PCM to analyse,
   * "wait" for more bytes, or a warning when the audio cannot be analysed.
   */
  #readHead(bytes: Uint8Array, props: SoxAudioProps): Uint8Array | "wait" | HeadWarning {
    this.#head.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.#headBytes += bytes.byteLength;
    // Container signatures (and MP3's two-frame check) need the first few KB to be reliable.
    // Nothing is held yet at the start of a stream, so deciding a little late costs no command.
    if (this.#headBytes < SNIFF_HEAD_BYTES) return "wait";
    const head = this.#head.length === 1 ? this.#head[0] : Buffer.concat(this.#head);
    const container = sniffContainer(head);
    if (container === "wav") {
      const wav = parseWavHeader(head);
      if (wav.status === "need-more" && this.#headBytes < MAX_HEAD_BYTES) return "wait";
      this.#head = [];
      if (wav.status !== "ok") {
        this.#phase = "opaque";
        const why = wav.status === "invalid" ? wav.reason : "header longer than 64 KB";
        return {
          text: `WAV audio whose header cannot be read (${why}) is passed through without voice detection`,
          i18n: { key: "control.inline-wav-unreadable", params: { reason: why } },
        };
      }
      this.#start({ format: wav.info.format, sampleRate: wav.info.sampleRate, channels: wav.info.channels });
      return head.subarray(wav.info.dataOffset);
    }
    this.#head = [];
    if (container !== null) {
      this.#phase = "opaque";
      return {
        text: `${container} audio cannot be analysed for voice activity: it is passed through, and no finalize, pause or resume is sent for it`,
        i18n: { key: "control.inline-container", params: { container } },
      };
    }
    const spec = specFromMessage(props, this.#opts.fallback);
    if ("error" in spec) {
      this.#phase = "opaque";
      return {
        text: `${spec.error}: audio is passed through without voice detection`,
        i18n: { key: "control.inline-bad-props", params: { detail: spec.error } },
      };
    }
    this.#start(spec);
    return head;
  }

  #start(spec: RawAudioSpec): void {
    this.#vad = new EnergyVad(spec, this.#opts.thresholdDb);
    this.#phase = "pcm";
  }
}

function passThrough(warning: string | null, warningKey?: MessageKey): ChunkDecision {
  return warningKey
    ? { before: [], after: [], pass: true, activity: "unknown", warning, warningKey }
    : { before: [], after: [], pass: true, activity: "unknown", warning };
}
