/**
 * Per-stream checks that the audio is what it was declared to be. Wrong declarations are the usual
 * reason speech nodes "hear nothing": a WAV header sent as samples, 8-bit or float data declared
 * as 16-bit, a source that switched format mid-stream. Each kind of problem is reported once per
 * stream, with what was declared and what the data shows, so a long stream does not flood the log.
 */
import { SonioxError, type MessageKey, type MessagePart } from "../errors";
import { bytesPerSample, frameBytes, type RawAudioSpec } from "./audio-format";
import { describeSpec, type SoxProps } from "./format-declaration";
import { containerByMagic } from "./sniff";
import { parseWavHeader } from "./wav";

export type MismatchKind = "container-header" | "misaligned" | "float-as-integer" | "integer-as-float" | "format-changed";

export interface MismatchReport {
  kind: MismatchKind;
  message: string;
  /** The message's catalogue key (under warnings.). */
  i18n?: MessageKey;
}

interface Keyed {
  message: string;
  i18n: MessageKey;
}

export interface MismatchOptions {
  /** The raw format the bytes are declared as, or null for container audio (then only format changes are checked). */
  declared: RawAudioSpec | null;
  /** Where the declaration came from, for messages ("the node's audio setting", "msg.rate/bits/encoding"). */
  declaredBy: string;
  /** The catalogue key of declaredBy (under warnings.), when it has one. */
  declaredByKey?: string;
  /** The sox-style properties of the stream's first message. */
  firstProps: SoxProps;
}

/** Consecutive chunks that leave a partial frame before that is called a misalignment. */
const MISALIGNED_CHUNKS = 4;
/** Sample-format evidence is gathered from this much audio, then the check stops. */
const EVIDENCE_BYTES = 16 * 1024;
/** Non-silent 32-bit words needed before judging int vs float. */
const MIN_EVIDENCE_WORDS = 256;
const SOX_KEYS = ["rate", "channels", "bits", "encoding", "format"] as const;
/** What check gives back when there is nothing to report. */
const NO_REPORTS: readonly MismatchReport[] = Object.freeze([]);
const NO_PROPS: SoxProps = Object.freeze({});

export class MismatchDetector {
  private readonly reported = new Set<MismatchKind>();
  private readonly frame: number;
  private bytes = 0;
  private misalignedRun = 0;
  private evidence: Buffer[] = [];
  private evidenceBytes = 0;
  private judgedSampleFormat: boolean;
  /** The props object the last check compared (null before the first check). */
  private lastProps: SoxProps | null = null;

  constructor(private readonly opts: MismatchOptions) {
    this.frame = opts.declared ? frameBytes(opts.declared) : 1;
    this.judgedSampleFormat = !opts.declared || !judgeable(opts.declared);
  }

  /**
   * Checks the next chunk of audio (as sent, headers excluded) and the properties of its message.
   * Nothing to report (nearly every chunk) gives a shared frozen empty array: no allocation.
   */
  check(chunk: Uint8Array, props: SoxProps = NO_PROPS): readonly MismatchReport[] {
    let reports: MismatchReport[] | null = null;
    // The same props object as last time (the shared empty one, most of all) was compared already.
    if (props !== this.lastProps) {
      this.lastProps = props;
      const changed = changedProps(this.opts.firstProps, props);
      if (changed && this.firstTime("format-changed")) {
        reports = [
          {
            kind: "format-changed",
            message: `The audio properties changed mid-stream (${changed}). A stream's format is fixed when it starts, so this audio is misread: stop the stream (msg.control "stop") before changing format, or use a new msg.topic.`,
            i18n: { key: "audio.props-changed", params: { changes: changed } },
          },
        ];
      }
    }

    const declared = this.opts.declared;
    if (declared === null || chunk.length === 0) return reports ?? NO_REPORTS;
    // Only a container named by its magic: a bare MPEG/ADTS frame sync is common inside raw audio.
    const header = containerByMagic(chunk);
    if (header && this.firstTime("container-header")) (reports ??= []).push({ kind: "container-header", ...this.headerMessage(header, chunk) });

    this.bytes += chunk.length;
    this.misalignedRun = this.bytes % this.frame === 0 ? 0 : this.misalignedRun + 1;
    if (this.misalignedRun >= MISALIGNED_CHUNKS && this.firstTime("misaligned")) (reports ??= []).push({ kind: "misaligned", ...this.misalignedMessage() });

    const verdict = this.judgeSampleFormat(chunk);
    if (verdict && this.firstTime(verdict)) (reports ??= []).push({ kind: verdict, ...sampleFormatMessage(verdict, declared, this.by()) });
    return reports ?? NO_REPORTS;
  }

  /** True the first time a kind of problem is found (each is reported once per stream). */
  private firstTime(kind: MismatchKind): boolean {
    if (this.reported.has(kind)) return false;
    this.reported.add(kind);
    return true;
  }

  /** The stream ended: a partial frame left over means the data does not fit the declared frame size. */
  end(): MismatchReport[] {
    if (this.opts.declared === null || this.bytes % this.frame === 0 || this.reported.has("misaligned")) return [];
    this.reported.add("misaligned");
    return [{ kind: "misaligned", ...this.misalignedMessage() }];
  }

  /** Where the declaration came from, as a translatable part of a message. */
  private by(): MessagePart {
    return { text: this.opts.declaredBy, key: this.opts.declaredByKey };
  }

  private headerMessage(container: string, chunk: Uint8Array): Keyed {
    const declared = this.opts.declared!;
    const at: MessagePart =
      this.bytes === 0
        ? { text: "at the start of the stream", key: "audio.at-stream-start" }
        : { text: `after ${this.bytes} bytes`, key: "audio.after-bytes", params: { bytes: this.bytes } };
    let says: MessagePart = { text: "" };
    if (container === "wav") {
      const parsed = parseWavHeader(chunk);
      if (parsed.status === "ok") says = { text: ` (it says ${describeSpec(parsed.info)})`, key: "audio.header-says", params: { spec: describeSpec(parsed.info) } };
    }
    const by = this.by();
    return {
      message:
        `A ${container.toUpperCase()} header${says.text} arrived ${at.text}, but the stream is declared as raw ${describeSpec(declared)} by ${by.text}: ` +
        "the header is sent as if it were samples" +
        (container === "wav" ? " and the samples are read as the declared format. " : ", and compressed audio read as PCM is noise. ") +
        'Set the audio format to "auto" so the header is read, or send raw audio only.',
      i18n: {
        key: container === "wav" ? "audio.wav-header-as-samples" : "audio.header-as-samples",
        params: { container: container.toUpperCase(), spec: describeSpec(declared) },
        parts: { says, at, by },
      },
    };
  }

  private misalignedMessage(): Keyed {
    const declared = this.opts.declared!;
    const size = bytesPerSample(declared.format) * 8;
    const odd = this.frame === 2 && declared.channels === 1;
    const what = odd ? "an odd number of bytes" : `${this.bytes} bytes, not a multiple of its ${this.frame}-byte frame (${size}-bit × ${declared.channels} channel${declared.channels > 1 ? "s" : ""})`;
    const by = this.by();
    return {
      message:
        `The audio declared as ${describeSpec(declared)} by ${by.text} came as ${what}, so samples are split. ` +
        "Check the sample format (bits, mu-law/A-law vs 16-bit) and channels, or whether the source drops bytes.",
      i18n: {
        key: odd ? "audio.misaligned-odd" : declared.channels > 1 ? "audio.misaligned-frame" : "audio.misaligned-frame-mono",
        params: { spec: describeSpec(declared), bytes: this.bytes, frame: this.frame, size, channels: declared.channels },
        parts: { by },
      },
    };
  }

  private judgeSampleFormat(chunk: Uint8Array): "float-as-integer" | "integer-as-float" | null {
    if (this.judgedSampleFormat) return null;
    this.evidence.push(Buffer.from(chunk.subarray(0, EVIDENCE_BYTES - this.evidenceBytes)));
    this.evidenceBytes += this.evidence[this.evidence.length - 1].length;
    const words = floatWords(Buffer.concat(this.evidence));
    const full = this.evidenceBytes >= EVIDENCE_BYTES;
    if (words.nonZero < MIN_EVIDENCE_WORDS && !full) return null;
    this.judgedSampleFormat = true;
    this.evidence = [];
    if (words.nonZero < MIN_EVIDENCE_WORDS) return null; // silence says nothing
    const floatLike = words.plausible / words.nonZero;
    const declaredFloat = this.opts.declared!.format === "pcm_f32le";
    if (!declaredFloat && floatLike >= 0.95) return "float-as-integer";
    if (declaredFloat && floatLike < 0.5) return "integer-as-float";
    return null;
  }
}

/**
 * Only little-endian 16-bit integer and 32-bit float are judged: they are what browsers and
 * capture tools produce, and the heuristic is about 32-bit little-endian words.
 */
function judgeable(spec: RawAudioSpec): boolean {
  return spec.format === "pcm_s16le" || spec.format === "pcm_f32le";
}

/**
 * Reads the bytes as little-endian float32. Real float audio is nearly all in [-1, 1]; 16-bit
 * integer samples read that way are mostly denormal-tiny, huge or NaN, because the high byte of
 * every second sample lands in the float's exponent.
 */
function floatWords(buf: Buffer): { nonZero: number; plausible: number } {
  let nonZero = 0;
  let plausible = 0;
  for (let at = 0; at + 4 <= buf.length; at += 4) {
    const f = buf.readFloatLE(at);
    if (f === 0) continue;
    nonZero++;
    const magnitude = Math.abs(f);
    if (magnitude >= 1e-30 && magnitude <= 4) plausible++;
  }
  return { nonZero, plausible };
}

function sampleFormatMessage(kind: "float-as-integer" | "integer-as-float", declared: RawAudioSpec, by: MessagePart): Keyed {
  const i18n = { params: { spec: describeSpec(declared) }, parts: { by } };
  if (kind === "float-as-integer") {
    return {
      message:
        `The audio is declared as ${describeSpec(declared)} by ${by.text}, but it looks like 32-bit float samples (as a browser's Web Audio produces), which Soniox would hear as noise. ` +
        'Set the audio format to pcm_f32le with the right sample rate (browsers mostly use 48000 Hz), or send msg.encoding "floating-point" and msg.bits 32.',
      i18n: { key: "audio.float-as-integer", ...i18n },
    };
  }
  return {
    message:
      `The audio is declared as ${describeSpec(declared)} by ${by.text}, but it does not look like float samples (most values are outside -1…1): ` +
      "it is probably 16-bit integer PCM (pcm_s16le). Check the audio format setting.",
    i18n: { key: "audio.integer-as-float", ...i18n },
  };
}

/** "msg.rate 16000 → 44100, ..." for every sox property that differs from the first message, or null. */
function changedProps(first: SoxProps, now: SoxProps): string | null {
  let changes: string[] | null = null;
  for (const key of SOX_KEYS) {
    const value = now[key];
    if (value === undefined || String(value) === String(first[key])) continue;
    (changes ??= []).push(`msg.${key} ${first[key] === undefined ? "(none)" : JSON.stringify(first[key])} → ${JSON.stringify(value)}`);
  }
  return changes ? changes.join(", ") : null;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MIN_BASE64_CHARS = 16;

/**
 * Why a string payload cannot be audio (an error to refuse it with), or null when it may be: the exec node emits raw bytes as a
 * string when they happen to be valid UTF-8, and Buffer.from(s, "utf8") restores them exactly.
 * Strings from elsewhere are text (base64, a data: URL) or binary that a node decoded as text,
 * which lost bytes for good. A command word is the control part's to recognise (commandWordProblem).
 */
export function stringPayloadProblem(payload: string): SonioxError | null {
  if (payload.includes("\ufffd")) {
    return new SonioxError(
      "invalid_config",
      "msg.payload is a string with U+FFFD replacement characters: binary audio was decoded as text upstream and bytes were lost. " +
        'Make the source output binary (file in: "a single Buffer object" or binary chunks; websocket/MQTT/HTTP: binary or Buffer).',
      { key: "audio.payload-decoded-text" },
    );
  }
  const compact = payload.replace(/\s+/g, "");
  if (/^data:[^,]*;base64,/i.test(compact)) {
    return new SonioxError(
      "invalid_config",
      'msg.payload is a data: URL (base64 text), not audio bytes: strip the "data:...;base64," prefix and decode the rest, e.g. Buffer.from(text, "base64") in a function node.',
      { key: "audio.payload-data-url" },
    );
  }
  if (compact.length >= MIN_BASE64_CHARS && compact.length % 4 === 0 && BASE64.test(compact) && !/^[A-Za-z]+$/.test(compact)) {
    return new SonioxError(
      "invalid_config",
      'msg.payload looks like base64 text, not audio bytes: decode it first, e.g. msg.payload = Buffer.from(msg.payload, "base64") in a function node.',
      { key: "audio.payload-base64" },
    );
  }
  return null;
}
