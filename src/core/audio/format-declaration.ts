/**
 * Decides, once per stream, what audio format is declared to Soniox and what happens to the bytes
 * on the way. Sources, strongest first:
 * 1. sox-record style message properties (`msg.rate`, `channels`, `bits`, `encoding`, `format`):
 *    they describe the very bytes they came with, so they beat the node's setting; a disagreeing
 *    explicit setting earns one warning naming both.
 * 2. The node's setting merged with msg.soniox.
 * 3. With "auto", the data: a WAV header gives the raw format (the header is then skipped, so the
 *    stream is plain PCM that never needs a header again, e.g. after a reconnect); other container
 *    magic stays "auto" for Soniox to decode.
 * On top of that the user may ask for "convert to PCM 16 kHz mono" (ffmpeg) or for PCM other than
 * 16-bit mono to be converted in-process instead of sent as the matching pcm_* format.
 */
import { isRawFormat, type ContainerFormat, type RawAudioSpec, type RawFormat } from "./audio-format";
import { SonioxError, type MessageKey } from "../errors";
import { SNIFF_HEAD_BYTES, sniffContainer } from "./sniff";
import { parseWavHeader, type WavInfo } from "./wav";

/** The properties node-red-contrib-sox-utils puts on its messages (values unchecked). */
export interface SoxProps {
  rate?: unknown;
  channels?: unknown;
  bits?: unknown;
  encoding?: unknown;
  format?: unknown;
}

/** The start-message fields that describe audio. */
export interface AudioFields {
  audio_format: string;
  sample_rate?: number;
  num_channels?: number;
}

/** What to do with PCM that is not 16-bit mono: send it as the matching pcm_* or convert it here. */
export type FloatHandling = "send" | "convert";

export interface FormatRequest {
  /** The node's audio setting merged with msg.soniox. */
  declared: AudioFields;
  /** The sox-style properties of the stream's first message. */
  sox: SoxProps;
  /** Transcode everything to pcm_s16le 16 kHz mono with ffmpeg. */
  convertToPcm: boolean;
  floatHandling: FloatHandling;
}

/** What the stream does with its bytes. */
export type BytePlan =
  /** Send every byte unchanged. */
  | { action: "send" }
  /** Send only the samples of the WAV `data` chunk (the header was turned into the start message). */
  | { action: "skip-wav-header"; wav: WavInfo }
  /** Send the WAV file whole, header included, for Soniox to decode. */
  | { action: "keep-wav-header" }
  /** Pipe the bytes through ffmpeg to pcm_s16le 16 kHz mono; `input` describes raw input (null: ffmpeg detects it). */
  | { action: "transcode"; input: RawAudioSpec | null }
  /** Convert raw samples to pcm_s16le mono in-process; `wav` is set when a WAV header is skipped first. */
  | { action: "convert"; input: RawAudioSpec; wav: WavInfo | null };

export type FormatSource = "message" | "setting" | "wav-header" | "container" | "unknown";

export interface FormatResolution {
  status: "resolved";
  /** Goes into the start message. */
  audio: AudioFields;
  plan: BytePlan;
  /** Where the description of the incoming bytes came from. */
  source: FormatSource;
  /** The incoming bytes as raw audio, when they are raw or WAV PCM. */
  input: RawAudioSpec | null;
  /** The container found or declared, when the bytes are not described as raw audio. */
  container: ContainerFormat | null;
  /** Things the user should know, each a complete sentence naming both sides. */
  warnings: string[];
  /** Each warning's catalogue key (under warnings.), in the order of warnings; null where it has none. */
  warningKeys: Array<MessageKey | null>;
}

/** The warnings of one resolution, each with its catalogue key. */
class Warnings {
  readonly texts: string[] = [];
  readonly keys: Array<MessageKey | null> = [];

  push(text: string, i18n: MessageKey): void {
    this.texts.push(text);
    this.keys.push(i18n);
  }
}

export type FormatDecision = FormatResolution | { status: "need-more" };

/** Output of "convert to PCM 16 kHz mono". */
export const TRANSCODED_AUDIO: Readonly<RawAudioSpec> = { format: "pcm_s16le", sampleRate: 16000, channels: 1 };

const SOX_ENCODINGS = ["signed-integer", "unsigned-integer", "floating-point", "mu-law", "a-law"];
const MIN_RATE = 1000;
const MAX_RATE = 384000;
const MAX_SONIOX_CHANNELS = 2;
/** A WAV header that has not ended within this many bytes is not waited for any longer. */
const MAX_WAV_HEADER_BYTES = 64 * 1024;
const MESSAGE_PROPS = "the message properties (msg.rate/channels/bits/encoding)";
const DEFAULT_RAW: RawAudioSpec = { format: "pcm_s16le", sampleRate: 16000, channels: 1 };

/**
 * Resolves the stream's format from the request and the first bytes seen (`head`, all chunks so far
 * joined). Returns "need-more" while the bytes cannot decide yet; pass `complete` when no more
 * bytes will come before a decision is needed (the stream ends) to force one.
 * Throws a SonioxError ("invalid_config") for sox properties or audio Soniox cannot take as given.
 */
export function resolveFormat(req: FormatRequest, head: Uint8Array, complete = false): FormatDecision {
  const warnings = new Warnings();
  const soxFormat = soxContainerOf(req.sox, warnings);
  const soxSpec = soxSpecOf(req.sox, settingSpec(req.declared) ?? DEFAULT_RAW);
  const declared = req.declared.audio_format;

  if (soxFormat === "wav" || (soxSpec === null && declared === "auto")) {
    const fromData = describeData(head, complete);
    if (fromData === null) return { status: "need-more" };
    if (soxFormat === "wav") {
      if (fromData.container === "wav") {
        if (soxSpec && fromData.input) warnIfDiffers(warnings, soxSpec, MESSAGE_PROPS, fromData.input, "the WAV header", "the WAV header", "audio.props-differ-wav");
        return finish(req, fromData, warnings);
      }
      const found = fromData.container;
      const i18n: MessageKey = soxSpec
        ? { key: found ? "audio.wav-no-header-raw" : "audio.wav-no-header-unknown-raw", params: { found: found ?? "", spec: describeSpec(soxSpec) } }
        : { key: found ? "audio.wav-no-header-detect" : "audio.wav-no-header-unknown-detect", params: { found: found ?? "" } };
      warnings.push(
        `msg.format is "wav" but the audio does not start with a WAV (RIFF) header (${found ?? "no known header"}); ` +
          (soxSpec ? `sending it as raw ${describeSpec(soxSpec)} from the message properties.` : "sending it for Soniox to detect."),
        i18n,
      );
      if (soxSpec) return finish(req, { input: soxSpec, wav: null, container: null, source: "message" }, warnings);
    }
    return finish(req, fromData, warnings);
  }

  if (soxSpec) {
    const setting = settingSpec(req.declared);
    if (setting) warnIfDiffers(warnings, soxSpec, MESSAGE_PROPS, setting, "the node's audio setting (or msg.soniox)", MESSAGE_PROPS, "audio.props-differ-setting");
    else if (declared !== "auto") {
      warnings.push(`The message properties describe raw ${describeSpec(soxSpec)} audio but the audio format is set to "${declared}"; the message properties are used. Set the audio format to auto to silence this.`, {
        key: "audio.props-not-container",
        params: { spec: describeSpec(soxSpec), declared },
      });
    }
    return finish(req, { input: soxSpec, wav: null, container: null, source: "message" }, warnings);
  }

  const setting = settingSpec(req.declared);
  if (setting) return finish(req, { input: setting, wav: null, container: null, source: "setting" }, warnings);
  return finish(req, { input: null, wav: null, container: declared as ContainerFormat, source: "setting" }, warnings);
}

interface DataDescription {
  input: RawAudioSpec | null;
  wav: WavInfo | null;
  container: ContainerFormat | null;
  source: FormatSource;
  /** A WAV whose encoding cannot be described as raw audio (ADPCM, ...), and why. */
  unusableWav?: string;
}

/** What the first bytes are, or null while more are needed. */
function describeData(head: Uint8Array, complete: boolean): DataDescription | null {
  if (head.length < 12 && !complete) return null;
  // Needed before any audio (a "start" command opened the stream): nothing to read, the setting stands.
  if (head.length === 0) return { input: null, wav: null, container: null, source: "setting" };
  if (startsWith(head, "RIFF") || startsWith(head, "RF64") || startsWith(head, "RIFX")) {
    const parsed = parseWavHeader(head);
    if (parsed.status === "ok") {
      const { format, sampleRate, channels } = parsed.info;
      return { input: { format, sampleRate, channels }, wav: parsed.info, container: "wav", source: "wav-header" };
    }
    if (parsed.status === "need-more" && !complete && head.length < MAX_WAV_HEADER_BYTES) return null;
    const reason = parsed.status === "invalid" ? parsed.reason : "the WAV header never ended";
    return { input: null, wav: null, container: "wav", source: "container", unusableWav: reason };
  }
  const container = sniffContainer(head);
  if (container === null && head.length < SNIFF_HEAD_BYTES && !complete) return null;
  return { input: null, wav: null, container, source: container === null ? "unknown" : "container" };
}

/** Applies the conversion choices to a known input and checks that Soniox can take the result. */
function finish(req: FormatRequest, data: DataDescription, warnings: Warnings): FormatResolution {
  const { input, wav, container, source } = data;
  const resolved = (audio: AudioFields, plan: BytePlan): FormatResolution => ({
    status: "resolved",
    audio,
    plan,
    source,
    input,
    container,
    warnings: warnings.texts,
    warningKeys: warnings.keys,
  });

  if (req.convertToPcm) {
    // ffmpeg reads WAV and container headers itself; only headerless raw audio must be described.
    const rawInput = wav === null && input !== null ? input : null;
    return resolved(fieldsOf(TRANSCODED_AUDIO), { action: "transcode", input: rawInput });
  }
  if (input === null) {
    if (data.unusableWav) {
      warnings.push(`This WAV cannot be sent as raw audio (${data.unusableWav}); it is sent whole for Soniox to decode. If Soniox rejects it, turn on "convert to PCM 16 kHz mono".`, {
        key: "audio.wav-unusable",
        params: { reason: data.unusableWav },
      });
      return resolved({ audio_format: "auto" }, { action: "keep-wav-header" });
    }
    // Headerless data under "auto" is warned about when the stream meters its first audio (meter-for.ts).
    const plan: BytePlan = req.declared.audio_format === "wav" ? { action: "keep-wav-header" } : { action: "send" };
    return resolved({ audio_format: req.declared.audio_format }, plan);
  }
  if (req.floatHandling === "convert" && needsConversion(input)) {
    return resolved({ audio_format: "pcm_s16le", sample_rate: input.sampleRate, num_channels: 1 }, { action: "convert", input, wav });
  }
  if (input.channels > MAX_SONIOX_CHANNELS) {
    throw new SonioxError(
      "invalid_config",
      `The audio has ${input.channels} channels but Soniox takes 1 or 2: turn on "convert to PCM 16 kHz mono" or set PCM handling to "convert to 16-bit mono" so it is mixed down.`,
      { key: "audio.too-many-channels", params: { channels: input.channels } },
    );
  }
  return resolved(fieldsOf(input), wav ? { action: "skip-wav-header", wav } : { action: "send" });
}

/** G.711 is already compact and Soniox takes it directly; every other PCM but 16-bit LE mono converts. */
function needsConversion(spec: RawAudioSpec): boolean {
  if (spec.format === "mulaw" || spec.format === "alaw") return false;
  return spec.format !== "pcm_s16le" || spec.channels !== 1;
}

function fieldsOf(spec: RawAudioSpec): AudioFields {
  return { audio_format: spec.format, sample_rate: spec.sampleRate, num_channels: spec.channels };
}

function settingSpec(declared: AudioFields): RawAudioSpec | null {
  if (!isRawFormat(declared.audio_format)) return null;
  return { format: declared.audio_format, sampleRate: declared.sample_rate ?? DEFAULT_RAW.sampleRate, channels: declared.num_channels ?? DEFAULT_RAW.channels };
}

/** True when any of the sox properties that describe samples is present. */
export function hasSoxProps(props: SoxProps): boolean {
  return props.rate !== undefined || props.channels !== undefined || props.bits !== undefined || props.encoding !== undefined;
}

/** msg.format as sox-utils sends it ("raw" / "wav"); other values are named in a warning and ignored. */
function soxContainerOf(props: SoxProps, warnings: Warnings): "raw" | "wav" | null {
  if (props.format === undefined) return null;
  if (props.format === "raw" || props.format === "wav") return props.format;
  warnings.push(`msg.format ${JSON.stringify(props.format)} is not "raw" or "wav" (the sox-record values) and was ignored.`, {
    key: "audio.format-ignored",
    params: { value: String(JSON.stringify(props.format)) },
  });
  return null;
}

/**
 * The raw format the sox properties describe (missing ones come from `fallback`, sox-record sends
 * no byte order and means little-endian), or null when none is present.
 */
export function soxSpecOf(props: SoxProps, fallback: RawAudioSpec): RawAudioSpec | null {
  if (!hasSoxProps(props)) return null;
  const rate = props.rate === undefined ? fallback.sampleRate : Number(props.rate);
  const channels = props.channels === undefined ? fallback.channels : Number(props.channels);
  if (!Number.isInteger(rate) || rate < MIN_RATE || rate > MAX_RATE) {
    throw invalid(`msg.rate ${JSON.stringify(props.rate)} is not a sample rate: use an integer from ${MIN_RATE} to ${MAX_RATE} Hz`, {
      key: "audio.bad-rate",
      params: { value: String(JSON.stringify(props.rate)), min: MIN_RATE, max: MAX_RATE },
    });
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > 32) {
    throw invalid(`msg.channels ${JSON.stringify(props.channels)} is not a channel count: use an integer from 1 to 32`, {
      key: "audio.bad-channels",
      params: { value: String(JSON.stringify(props.channels)) },
    });
  }
  if (props.encoding === undefined && props.bits === undefined) return { format: fallback.format, sampleRate: rate, channels };
  const encoding = props.encoding === undefined ? soxEncodingOf(fallback.format) : String(props.encoding);
  if (!SOX_ENCODINGS.includes(encoding)) {
    throw invalid(`msg.encoding ${JSON.stringify(props.encoding)} is not one of ${SOX_ENCODINGS.join(", ")}`, {
      key: "audio.bad-encoding",
      params: { value: String(JSON.stringify(props.encoding)), allowed: SOX_ENCODINGS.join(", ") },
    });
  }
  const bits = props.bits === undefined ? bitsOf(fallback.format) : Number(props.bits);
  const format = soxFormatFor(encoding, bits);
  if (format === null) {
    throw invalid(`msg.bits ${JSON.stringify(props.bits ?? bits)} does not fit msg.encoding "${encoding}": ${encoding} audio is ${bitsFor(encoding)} bits`, {
      key: "audio.bad-bits",
      params: { value: String(JSON.stringify(props.bits ?? bits)), encoding, bits: bitsFor(encoding) },
    });
  }
  return { format, sampleRate: rate, channels };
}

/** The sox-record `msg.encoding` name of a raw format. */
export function soxEncodingOf(format: RawFormat): string {
  if (format === "mulaw") return "mu-law";
  if (format === "alaw") return "a-law";
  if (format.startsWith("pcm_f")) return "floating-point";
  return format.startsWith("pcm_u") ? "unsigned-integer" : "signed-integer";
}

function bitsOf(format: RawFormat): number {
  return format === "mulaw" || format === "alaw" ? 8 : Number(/(\d+)/.exec(format)?.[1]);
}

function bitsFor(encoding: string): string {
  if (encoding === "floating-point") return "32 or 64";
  if (encoding === "mu-law" || encoding === "a-law") return "8";
  return "8, 16, 24 or 32";
}

/**
 * The raw format of a sox-record encoding and bit depth, little-endian as sox-record writes by
 * default (it sends no byte-order property). Callers check the encoding is one of sox's names.
 */
export function soxFormatFor(encoding: string, bits: number): RawFormat | null {
  if (encoding === "mu-law") return "mulaw";
  if (encoding === "a-law") return "alaw";
  const candidate =
    encoding === "floating-point" ? `pcm_f${bits}le` : bits === 8 ? (encoding === "signed-integer" ? "pcm_s8" : "pcm_u8") : `pcm_${encoding === "signed-integer" ? "s" : "u"}${bits}le`;
  return isRawFormat(candidate) ? candidate : null;
}

/** One warning naming every field where two descriptions of the same audio disagree. */
function warnIfDiffers(warnings: Warnings, a: RawAudioSpec, aName: string, b: RawAudioSpec, bName: string, winner: string, key: string): void {
  if (a.format === b.format && a.sampleRate === b.sampleRate && a.channels === b.channels) return;
  warnings.push(`${capitalise(aName)} describe ${describeSpec(a)} but ${bName} says ${describeSpec(b)}; going by ${winner}. Make them agree (or set the audio format to auto) to silence this.`, {
    key,
    params: { props: describeSpec(a), other: describeSpec(b) },
  });
}

export function describeSpec(spec: RawAudioSpec): string {
  return `${spec.format} ${spec.sampleRate} Hz ${spec.channels === 1 ? "mono" : spec.channels === 2 ? "stereo" : `${spec.channels} channels`}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function startsWith(buf: Uint8Array, text: string): boolean {
  if (buf.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[i] !== text.charCodeAt(i)) return false;
  return true;
}

function invalid(message: string, i18n: MessageKey): SonioxError {
  return new SonioxError("invalid_config", message, i18n);
}
