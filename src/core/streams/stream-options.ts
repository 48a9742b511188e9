import type { AudioFields, FloatHandling } from "../audio";
import { isRawFormat } from "../audio";
import { SonioxError, type KeyedText } from "../errors";
import type { ReconnectPolicy, RotationPolicy, StartMessage } from "../session";
import { likelyStartField, MAX_GUESSED_NAME, startField, unknownStartFields, validateStartMessage } from "../session";

/** How every stream of one transcribe node behaves; the node parses these from its dialog. */
export interface StreamSettings {
  maxStreams: number;
  idleTimeoutMs: number;
  keepaliveIntervalMs: number;
  pacing: boolean;
  maxQueuedBytes: number;
  connectTimeoutMs: number;
  finishTimeoutMs: number;
  /** A new stream whose format cannot be decided yet (auto, first chunk too short) waits this long for more audio. */
  formatTimeoutMs: number;
  reconnect: ReconnectPolicy;
  rotation: RotationPolicy;
  heartbeatIntervalMs: number;
  /** Transcode every stream to pcm_s16le 16 kHz mono with ffmpeg (msg.soniox.convert_to_pcm per stream). */
  convertToPcm: boolean;
  floatHandling: FloatHandling;
  /** Send msg.soniox names this node does not know (new Soniox options) instead of leaving them out. */
  passUnknownOptions: boolean;
  /**
   * Emit every response. Otherwise a response with nothing new is left out: no token, not the
   * last, and no non-final tail before it to clear (Soniox also answers to report progress only).
   */
  everyResponse: boolean;
}

/**
 * Merges a stream's msg.soniox overrides over the node's start message and validates the result.
 * A raw format switched on by an override keeps the node's rate/channels unless given too.
 */
export function streamStartMessage(base: Record<string, unknown>, overrides: unknown): StartMessage {
  if (overrides === undefined || overrides === null) return validateStartMessage(base);
  if (typeof overrides !== "object" || Array.isArray(overrides)) {
    throw new SonioxError("invalid_config", "msg.soniox must be an object of Soniox start options (snake_case, e.g. {language_hints: [\"en\"]})", {
      key: "streams.overrides-not-object",
    });
  }
  const merged: Record<string, unknown> = { ...base, ...(overrides as Record<string, unknown>) };
  const format = merged.audio_format;
  if (typeof format === "string" && isRawFormat(format)) {
    merged.sample_rate ??= startField("sample_rate").dialogDefault;
    merged.num_channels ??= startField("num_channels").dialogDefault;
  } else {
    if (!("sample_rate" in (overrides as object))) delete merged.sample_rate;
    if (!("num_channels" in (overrides as object))) delete merged.num_channels;
  }
  return validateStartMessage(merged);
}

/** msg.soniox keys that are this node's per-stream options, not Soniox start-message fields. */
export interface StreamOverrides {
  /** msg.soniox without our own keys: what merges into the start message. */
  soniox: unknown;
  convertToPcm: boolean | undefined;
  /** One line per msg.soniox name this node does not know, saying what became of it. */
  warnings: KeyedText[];
}

/** "Pass unknown msg.soniox options" passes at most this many names, of at most MAX_GUESSED_NAME characters. */
const MAX_PASSED_NAMES = 16;
/** A warning about unknown names lists this many, each cut to NAME_SHOWN characters. */
const NAMES_LISTED = 3;
const NAME_SHOWN = 64;

/**
 * Takes `convert_to_pcm` out of msg.soniox (Soniox would not know it) and checks it. Names that
 * are no start-message field are most often typos, which Soniox would ignore or refuse: they are
 * left out unless `passUnknown` (a new Soniox option), and said in one warning per stream. A
 * dashboard client controls msg.soniox, so the names are bounded: one warning however many there
 * are, a guess at the meant field only for a single short name, and at most MAX_PASSED_NAMES
 * short names passed on.
 */
export function splitStreamOverrides(overrides: unknown, passUnknown = false): StreamOverrides {
  if (overrides === null || typeof overrides !== "object" || Array.isArray(overrides)) {
    return { soniox: overrides, convertToPcm: undefined, warnings: [] };
  }
  const { convert_to_pcm: convert, ...soniox } = overrides as Record<string, unknown>;
  if (convert !== undefined && typeof convert !== "boolean") {
    throw new SonioxError("invalid_config", `msg.soniox.convert_to_pcm must be true or false (got ${JSON.stringify(convert)})`, {
      key: "streams.convert-not-boolean",
      params: { value: String(JSON.stringify(convert)) },
    });
  }
  const unknown = unknownStartFields(soniox, ["api_key"]);
  let passed = 0;
  for (const name of unknown) {
    if (passUnknown && name.length <= MAX_GUESSED_NAME && passed < MAX_PASSED_NAMES) passed++;
    else delete soniox[name];
  }
  const warnings = unknown.length === 0 ? [] : [unknownNamesWarning(unknown, passUnknown, passed === unknown.length)];
  return { soniox, convertToPcm: convert as boolean | undefined, warnings };
}

function unknownNamesWarning(names: string[], passUnknown: boolean, allPassed: boolean): KeyedText {
  const shown = names.slice(0, NAMES_LISTED).map((n) => (n.length > NAME_SHOWN ? `${n.slice(0, NAME_SHOWN)}…` : n));
  if (names.length === 1 && (!passUnknown || allPassed)) {
    const name = shown[0];
    const closest = likelyStartField(names[0], ["api_key"]);
    const guess = closest ? `did you mean ${closest}? ` : "";
    const params: Record<string, string> = closest ? { name, closest } : { name };
    return passUnknown
      ? {
          text: `msg.soniox.${name} is not a Soniox option this node knows; ${guess}it is sent as given ("Pass unknown msg.soniox options" is on)`,
          i18n: { key: closest ? "streams.unknown-option-passed-guess" : "streams.unknown-option-passed", params },
        }
      : {
          text: `msg.soniox.${name} is not a Soniox option this node knows; ${guess}it was left out. If it is a new Soniox option, tick "Pass unknown msg.soniox options" in the node.`,
          i18n: { key: closest ? "streams.unknown-option-dropped-guess" : "streams.unknown-option-dropped", params },
        };
  }
  const list = `${shown.join(", ")}${names.length > NAMES_LISTED ? ", …" : ""}`;
  const params = { count: names.length, names: list };
  return passUnknown
    ? {
        text: `msg.soniox has ${names.length} names this node does not know (${list}); they are sent as given ("Pass unknown msg.soniox options" is on), except names over ${MAX_GUESSED_NAME} characters and any after the first ${MAX_PASSED_NAMES}, which are left out`,
        i18n: { key: "streams.unknown-options-passed", params: { ...params, chars: MAX_GUESSED_NAME, max: MAX_PASSED_NAMES } },
      }
    : {
        text: `msg.soniox has ${names.length} names this node does not know (${list}); they were left out. If one is a new Soniox option, tick "Pass unknown msg.soniox options" in the node.`,
        i18n: { key: "streams.unknown-options-dropped", params },
      };
}

/** The audio fields of a start message. */
export function audioFieldsOf(start: StartMessage): AudioFields {
  const fields: AudioFields = { audio_format: start.audio_format };
  if (start.sample_rate !== undefined) fields.sample_rate = start.sample_rate;
  if (start.num_channels !== undefined) fields.num_channels = start.num_channels;
  return fields;
}

/** The start message with its audio fields replaced by those the stream's format resolution chose. */
export function withAudioFields(start: StartMessage, audio: AudioFields): StartMessage {
  const { sample_rate: _rate, num_channels: _channels, ...rest } = start;
  return validateStartMessage({ ...rest, ...audio });
}
