import { isAudioFormat, isRawFormat } from "../audio";
import { SonioxError } from "../errors";
import { jsonProblem, showValue } from "../show-value";
import { START_FIELD_TABLE, startField, type StartFieldRow } from "./start-field-table";

export { SAMPLE_RATE_RANGE } from "./start-field-table";

export interface ContextObject {
  general?: Array<{ key: string; value: string }>;
  text?: string;
  terms?: string[];
  translation_terms?: Array<{ source: string; target: string }>;
}

export type Translation =
  | { type: "one_way"; target_language: string }
  | { type: "two_way"; language_a: string; language_b: string };

/** The first frame of every stream, field names exactly as Soniox names them. */
export interface StartMessage {
  model: string;
  audio_format: string;
  sample_rate?: number;
  num_channels?: number;
  language_hints?: string[];
  language_hints_strict?: boolean;
  context?: ContextObject | string;
  enable_speaker_diarization?: boolean;
  enable_language_identification?: boolean;
  enable_endpoint_detection?: boolean;
  max_endpoint_delay_ms?: number;
  endpoint_sensitivity?: number;
  endpoint_latency_adjustment_level?: number;
  client_reference_id?: string;
  translation?: Translation;
  [passthrough: string]: unknown;
}

const MAX_CONTEXT_CHARS = startField("context").maxLength;
const LANGUAGE_CODE = /^[a-z]{2,3}$/;

type Problems = string[];

function checkInteger(p: Problems, obj: Record<string, unknown>, field: string, min: number, max: number): void {
  const v = obj[field];
  if (v === undefined) return;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    p.push(`${field} must be an integer from ${min} to ${max} (got ${showValue(v)})`);
  }
}

function checkNumber(p: Problems, obj: Record<string, unknown>, field: string, min: number, max: number): void {
  const v = obj[field];
  if (v === undefined) return;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    p.push(`${field} must be a number from ${min} to ${max} (got ${showValue(v)})`);
  }
}

function checkBoolean(p: Problems, obj: Record<string, unknown>, field: string): void {
  const v = obj[field];
  if (v !== undefined && typeof v !== "boolean") p.push(`${field} must be true or false (got ${showValue(v)})`);
}

function checkLanguage(p: Problems, field: string, v: unknown): void {
  if (typeof v !== "string" || !LANGUAGE_CODE.test(v)) {
    const got = v === undefined ? "it is missing" : `got ${showValue(v)}`;
    p.push(`${field} must be an ISO 639-1 language code such as "en" (${got})`);
  }
}

function checkContext(p: Problems, context: unknown): void {
  if (context === undefined) return;
  if (typeof context === "string") {
    if (context.length > MAX_CONTEXT_CHARS) p.push(`context must be at most ${MAX_CONTEXT_CHARS} characters`);
    return;
  }
  if (typeof context !== "object" || context === null || Array.isArray(context)) {
    p.push("context must be an object with general, text, terms and translation_terms");
    return;
  }
  const c = context as Record<string, unknown>;
  const pairs = (field: string, a: string, b: string) => {
    const v = c[field];
    if (v === undefined) return;
    const ok =
      Array.isArray(v) &&
      v.every((e) => typeof e === "object" && e !== null && typeof e[a] === "string" && typeof e[b] === "string");
    if (!ok) p.push(`context.${field} must be a list of {${a}, ${b}} text pairs`);
  };
  pairs("general", "key", "value");
  pairs("translation_terms", "source", "target");
  if (c.text !== undefined && typeof c.text !== "string") p.push("context.text must be text");
  if (c.terms !== undefined && !(Array.isArray(c.terms) && c.terms.every((t) => typeof t === "string"))) {
    p.push("context.terms must be a list of strings");
  }
  // Unsendable data (a circular object) is reported once, by the JSON check; it has no length.
  const length = jsonProblem(c) === null ? contextTextLength(c) : 0;
  if (length > MAX_CONTEXT_CHARS) p.push(`context must hold at most ${MAX_CONTEXT_CHARS} characters of text in total (it has ${length})`);
}

/**
 * Soniox limits the context's text ("max length 10000" characters), not its JSON: the characters
 * of every string in it count (keys and values of general, text, terms, translation pairs), the
 * punctuation of the object form does not.
 */
function contextTextLength(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + contextTextLength(item), 0);
  if (typeof value === "object" && value !== null) {
    return Object.values(value).reduce((sum: number, item) => sum + contextTextLength(item), 0);
  }
  return 0;
}

function checkTranslation(p: Problems, translation: unknown): void {
  if (translation === undefined) return;
  if (typeof translation !== "object" || translation === null) {
    p.push('translation must be {type:"one_way", target_language} or {type:"two_way", language_a, language_b}');
    return;
  }
  const t = translation as Record<string, unknown>;
  if (t.type === "one_way") {
    checkLanguage(p, "translation.target_language", t.target_language);
  } else if (t.type === "two_way") {
    checkLanguage(p, "translation.language_a", t.language_a);
    checkLanguage(p, "translation.language_b", t.language_b);
    if (typeof t.language_a === "string" && t.language_a === t.language_b) p.push("translation.language_a and language_b must differ");
  } else {
    p.push(`translation.type must be "one_way" or "two_way" (got ${showValue(t.type)})`);
  }
}

/**
 * Checks a start message against the documented ranges before anything is sent, so a typo is
 * reported by name here instead of as a 400 from Soniox after the connection is already billed.
 * Unknown fields pass through untouched (Soniox adds options over time); `api_key` never does.
 */
export function validateStartMessage(input: Record<string, unknown>): StartMessage {
  const p: Problems = [];
  // It is sent as JSON when the socket opens; failing there would throw outside any handler.
  const notJson = jsonProblem(input);
  if (notJson !== null) p.push(`every option must be plain JSON data (text, numbers, true/false, lists, objects): ${notJson}`);
  if ("api_key" in input) {
    p.push("api_key must not be set in the start message: the key belongs in the config node (it is sent with the connection)");
  }
  for (const field of START_FIELD_TABLE) checkField(p, input, field);
  if (p.length > 0) throw new SonioxError("invalid_config", `Invalid Soniox options: ${p.join("; ")}`, { key: "session.invalid-options", params: { problems: p.join("; ") } });
  return input as StartMessage;
}

/** One field's check, by its kind in the table. */
function checkField(p: Problems, input: Record<string, unknown>, field: StartFieldRow): void {
  const v = input[field.wire];
  switch (field.kind) {
    case "model":
      if (typeof v !== "string" || v.trim() === "") p.push(`${field.wire} must be a model name such as ${field.dialogDefault}`);
      return;
    case "audio-format":
      checkAudioFormat(p, input, v);
      return;
    case "integer":
      checkInteger(p, input, field.wire, field.min, field.max);
      return;
    case "number":
      checkNumber(p, input, field.wire, field.min, field.max);
      return;
    case "boolean":
      checkBoolean(p, input, field.wire);
      return;
    case "languages":
      checkLanguageList(p, field.wire, v);
      return;
    case "text":
      if (v !== undefined && (typeof v !== "string" || v.length > field.maxLength)) p.push(`${field.wire} must be text of at most ${field.maxLength} characters`);
      return;
    case "context":
      checkContext(p, v);
      return;
    case "translation":
      checkTranslation(p, v);
      return;
    default: {
      // A kind added to the table fails to compile here until it has a check.
      const unchecked: never = field;
      throw new Error(`start field ${JSON.stringify(unchecked)} has no check`);
    }
  }
}

function checkAudioFormat(p: Problems, input: Record<string, unknown>, format: unknown): void {
  if (typeof format !== "string" || !isAudioFormat(format)) {
    p.push(`audio_format must be "auto", a container (wav, mp3, ogg, webm, flac, aac, aiff, amr, asf) or a raw format such as pcm_s16le, mulaw, alaw (got ${showValue(format)})`);
  } else if (isRawFormat(format)) {
    if (input.sample_rate === undefined) p.push(`sample_rate is required for ${format}`);
    if (input.num_channels === undefined) p.push(`num_channels is required for ${format}`);
  }
}

function checkLanguageList(p: Problems, field: string, hints: unknown): void {
  if (hints === undefined) return;
  if (!Array.isArray(hints)) p.push(`${field} must be a list of language codes`);
  else {
    hints.forEach((h, i) => checkLanguage(p, `${field}[${i}]`, h));
    if (new Set(hints).size !== hints.length) p.push(`${field} must be unique`);
  }
}
