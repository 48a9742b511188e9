/**
 * Checks a parsed start message the way Soniox does (protocol notes §3 and §6) and turns it into
 * the settings the simulator needs. Documented cases use Soniox's exact texts.
 */
import { isAudioFormat, isRawFormat, type RawAudioSpec } from "../core/audio";
import { DOCUMENTED, INVENTED, SUPPORTED_LANGUAGES, invalidAudioFormatText, unknownFieldText } from "./messages";

export type TranslationConfig =
  | { type: "one_way"; targetLanguage: string }
  | { type: "two_way"; languageA: string; languageB: string };

export interface StartConfig {
  model: string;
  /** Raw formats carry their spec; containers (and "auto") are not decoded. */
  audio: { kind: "raw"; spec: RawAudioSpec } | { kind: "container"; format: string };
  languageHints: string[];
  speakerDiarization: boolean;
  languageIdentification: boolean;
  endpointDetection: boolean;
  maxEndpointDelayMs: number | undefined;
  translation: TranslationConfig | null;
}

export type StartCheck = { ok: true; config: StartConfig } | { ok: false; code: 400; message: string };

export interface StartRules {
  models: readonly string[];
  translationModels: readonly string[];
  rejectUnknownFields: boolean;
}

const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  "api_key",
  "model",
  "audio_format",
  "sample_rate",
  "num_channels",
  "language_hints",
  "language_hints_strict",
  "context",
  "enable_speaker_diarization",
  "enable_language_identification",
  "enable_endpoint_detection",
  "max_endpoint_delay_ms",
  "endpoint_sensitivity",
  "endpoint_latency_adjustment_level",
  "client_reference_id",
  "translation",
  // Legacy stt-rt-preview fields that old clients may still send.
  "enable_non_final_tokens",
  "max_non_final_tokens_duration_ms",
  "enable_speaker_tags",
]);

const MAX_CONTEXT_CHARS = 20_000;
const MAX_CLIENT_REFERENCE_CHARS = 256;

function fail(message: string): StartCheck {
  return { ok: false, code: 400, message };
}

function isNumberIn(value: unknown, min: number, max: number): boolean {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0;
}

/** Characters of text in a context, counting every string of the object form (keys, values, terms). */
function contextLength(context: unknown): number {
  if (typeof context === "string") return context.length;
  if (Array.isArray(context)) return context.reduce((sum: number, item) => sum + contextLength(item), 0);
  if (typeof context === "object" && context !== null) {
    return Object.values(context).reduce((sum: number, item) => sum + contextLength(item), 0);
  }
  return 0;
}

function checkTranslation(value: unknown): TranslationConfig | string {
  if (typeof value !== "object" || value === null) return INVENTED.translationType;
  const t = value as Record<string, unknown>;
  const known = (code: unknown): code is string => typeof code === "string" && SUPPORTED_LANGUAGES.has(code);
  if (t.type === "one_way") {
    return known(t.target_language)
      ? { type: "one_way", targetLanguage: t.target_language }
      : DOCUMENTED.invalidTranslationTarget;
  }
  if (t.type === "two_way") {
    return known(t.language_a) && known(t.language_b) && t.language_a !== t.language_b
      ? { type: "two_way", languageA: t.language_a, languageB: t.language_b }
      : DOCUMENTED.invalidTranslationTarget;
  }
  return INVENTED.translationType;
}

function checkAudio(start: Record<string, unknown>): StartConfig["audio"] | string {
  const format = start.audio_format;
  if (format === undefined || format === null || format === "") return DOCUMENTED.missingAudioFormat;
  if (typeof format !== "string" || !isAudioFormat(format)) return invalidAudioFormatText(format);
  if (!isRawFormat(format)) return { kind: "container", format };
  if (start.sample_rate === undefined || start.sample_rate === null) return DOCUMENTED.missingSampleRate;
  if (!isPositiveInteger(start.sample_rate)) return INVENTED.sampleRateInvalid;
  if (start.num_channels === undefined || start.num_channels === null) return DOCUMENTED.missingChannels;
  if (!isPositiveInteger(start.num_channels)) return INVENTED.channelsInvalid;
  return { kind: "raw", spec: { format, sampleRate: start.sample_rate, channels: start.num_channels } };
}

function checkHints(value: unknown): string[] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return DOCUMENTED.invalidHint;
  for (const hint of value) {
    if (typeof hint !== "string" || !SUPPORTED_LANGUAGES.has(hint)) return DOCUMENTED.invalidHint;
  }
  if (new Set(value).size !== value.length) return DOCUMENTED.hintsNotUnique;
  return value as string[];
}

/** Validates a start message that already parsed as a JSON object. */
export function validateStart(start: Record<string, unknown>, rules: StartRules): StartCheck {
  if (rules.rejectUnknownFields) {
    const unknown = Object.keys(start).find((k) => !KNOWN_FIELDS.has(k));
    if (unknown !== undefined) return fail(unknownFieldText(unknown));
  }
  if (typeof start.model !== "string" || !rules.models.includes(start.model)) return fail(DOCUMENTED.invalidModel);
  const model = start.model;

  const audio = checkAudio(start);
  if (typeof audio === "string") return fail(audio);

  const hints = checkHints(start.language_hints);
  if (typeof hints === "string") return fail(hints);

  const context = start.context;
  if (context !== undefined && context !== null && typeof context !== "string" && typeof context !== "object") {
    return fail(INVENTED.contextType);
  }
  if (contextLength(context) > MAX_CONTEXT_CHARS) return fail(DOCUMENTED.contextTooLong);

  const ref = start.client_reference_id;
  if (typeof ref === "string" && ref.length > MAX_CLIENT_REFERENCE_CHARS) return fail(DOCUMENTED.clientReferenceTooLong);

  if (start.max_endpoint_delay_ms !== undefined && !isNumberIn(start.max_endpoint_delay_ms, 500, 3000)) {
    return fail(INVENTED.maxEndpointDelay);
  }
  if (start.endpoint_sensitivity !== undefined && !isNumberIn(start.endpoint_sensitivity, -1, 1)) {
    return fail(INVENTED.endpointSensitivity);
  }
  const level = start.endpoint_latency_adjustment_level;
  if (level !== undefined && !(Number.isInteger(level) && isNumberIn(level, 0, 3))) {
    return fail(INVENTED.endpointLatencyLevel);
  }

  let translation: TranslationConfig | null = null;
  if (start.translation !== undefined && start.translation !== null) {
    if (!rules.translationModels.includes(model)) return fail(DOCUMENTED.modelWithoutTranslation);
    const checked = checkTranslation(start.translation);
    if (typeof checked === "string") return fail(checked);
    translation = checked;
  }

  return {
    ok: true,
    config: {
      model,
      audio,
      languageHints: hints,
      speakerDiarization: start.enable_speaker_diarization === true,
      languageIdentification: start.enable_language_identification === true,
      endpointDetection: start.enable_endpoint_detection === true,
      maxEndpointDelayMs: typeof start.max_endpoint_delay_ms === "number" ? start.max_endpoint_delay_ms : undefined,
      translation,
    },
  };
}
