/**
 * The Soniox real-time wire format, in one place: what the server sends, what the client sends,
 * and the pure functions that build and read frames. Nothing here does I/O.
 */

import type { KeyedText } from "../errors";

export const END_TOKEN = "<end>";
export const FIN_TOKEN = "<fin>";

export type TranslationStatus = "none" | "original" | "translation";

/**
 * One token as Soniox sends it. Every numeric field is optional: translated tokens carry no
 * timestamps or confidence, and markers (`<end>`, `<fin>`) may carry nothing but text and is_final.
 */
export interface SonioxToken {
  text: string;
  is_final: boolean;
  start_ms?: number;
  end_ms?: number;
  confidence?: number;
  speaker?: string;
  language?: string;
  translation_status?: TranslationStatus;
  source_language?: string;
  [extra: string]: unknown;
}

export interface SonioxResult {
  tokens: SonioxToken[];
  final_audio_proc_ms?: number;
  total_audio_proc_ms?: number;
  finished?: boolean;
  [extra: string]: unknown;
}

export interface SonioxErrorFrame {
  error_code: number;
  error_message: string;
  [extra: string]: unknown;
}

export type ServerFrame =
  /** `untimed`: tokens whose times were not finite numbers, so they were left without times. */
  | { kind: "result"; result: SonioxResult; untimed: number }
  | { kind: "error"; error: SonioxErrorFrame }
  | { kind: "invalid"; problem: "not-json" | "not-object" };

export function isMarker(token: SonioxToken): boolean {
  return token.text === END_TOKEN || token.text === FIN_TOKEN;
}

/** Spoken tokens are the transcription itself; translated tokens are the translation stream. */
export function isTranslated(token: SonioxToken): boolean {
  return token.translation_status === "translation";
}

/**
 * Reads one server text frame. Soniox marks errors by the presence of error_code or error_message.
 * Anything that is not a JSON object comes back as "invalid" rather than thrown, so a garbled
 * frame can never take a session (or Node-RED) down.
 */
export function parseServerFrame(text: string): ServerFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "invalid", problem: "not-json" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { kind: "invalid", problem: "not-object" };
  }
  const obj = value as Record<string, unknown>;
  if ("error_code" in obj || "error_message" in obj) {
    const code = typeof obj.error_code === "number" ? obj.error_code : 0;
    const message = typeof obj.error_message === "string" ? obj.error_message : "Unknown error from Soniox";
    return { kind: "error", error: { ...obj, error_code: code, error_message: message } };
  }
  // Per response: the parsed object is ours, so it is trimmed in place rather than copied (same
  // keys in the same order as a copy would have); the token array is only rebuilt when it holds
  // something that is not a token or a token that needs cleaning.
  const result = obj as SonioxResult;
  const frame: ServerFrame & { kind: "result" } = { kind: "result", result, untimed: 0 };
  result.tokens = readTokens(obj.tokens, frame);
  // 1e400 parses as Infinity: a progress mark that can never be passed would stall every resume.
  if (!Number.isFinite(obj.final_audio_proc_ms)) delete result.final_audio_proc_ms;
  if (!Number.isFinite(obj.total_audio_proc_ms)) delete result.total_audio_proc_ms;
  if (obj.finished !== true) delete result.finished;
  return frame;
}

/** How much of an unreadable frame a warning shows. */
export const FRAME_EXCERPT_CHARS = 200;

/**
 * The warning for an unreadable frame. `excerpt` is its beginning, already made safe to show:
 * cutting before redacting could leave part of a key readable.
 */
export function invalidFrameWarning(problem: "not-json" | "not-object", excerpt: string): KeyedText {
  return problem === "not-json"
    ? { text: `Server sent a frame that is not JSON: ${excerpt}`, i18n: { key: "session.frame-not-json", params: { frame: excerpt } } }
    : { text: `Server sent a frame that is not a JSON object: ${excerpt}`, i18n: { key: "session.frame-not-object", params: { frame: excerpt } } };
}

/**
 * The tokens of a parsed frame: entries that are not tokens dropped, each token reduced to the
 * fields the protocol defines with the types it defines. A token travels on in msg.payload, where
 * Node-RED deep-copies it for every extra wire: a field nested 20,000 deep from a hostile server
 * would overflow the stack there, so fields Soniox may add later are kept only as short scalars.
 */
function readTokens(raw: unknown, counts: { untimed: number }): SonioxToken[] {
  if (!Array.isArray(raw)) return [];
  let tokens: SonioxToken[] | null = null;
  for (let i = 0; i < raw.length; i++) {
    const t: unknown = raw[i];
    const token = typeof t === "object" && t !== null && typeof (t as SonioxToken).text === "string" ? (t as SonioxToken) : null;
    // Per token: a token as Soniox sends it passes one look at its keys and is kept as it is.
    if (token !== null && isClean(token)) {
      if (tokens !== null) tokens.push(token);
      continue;
    }
    tokens ??= raw.slice(0, i) as SonioxToken[];
    if (token === null) continue;
    if (!timesReadable(token)) counts.untimed++;
    tokens.push(cleanToken(token));
  }
  return tokens ?? (raw as SonioxToken[]);
}

/** Fields a token may carry beyond the protocol's, each a short scalar: Soniox may add some. */
const MAX_EXTRA_FIELDS = 8;
const MAX_EXTRA_CHARS = 256;

function isClean(token: SonioxToken): boolean {
  let extras = 0;
  // Known fields are read by name, not as token[name]: a keyed read of a double (confidence)
  // boxes it in a new heap number, and this runs on every token of every response.
  for (const name in token) {
    switch (name) {
      case "text":
        break;
      case "is_final":
        if (token.is_final !== true && token.is_final !== false) return false;
        break;
      case "start_ms":
        if (!Number.isFinite(token.start_ms)) return false;
        break;
      case "end_ms":
        if (!Number.isFinite(token.end_ms)) return false;
        break;
      case "confidence":
        if (!Number.isFinite(token.confidence)) return false;
        break;
      case "speaker":
        if (typeof token.speaker !== "string") return false;
        break;
      case "language":
        if (typeof token.language !== "string") return false;
        break;
      case "source_language":
        if (typeof token.source_language !== "string") return false;
        break;
      case "translation_status":
        if (typeof token.translation_status !== "string") return false;
        break;
      default:
        if (++extras > MAX_EXTRA_FIELDS || !isShortScalar(token[name]) || name === "__proto__") return false;
    }
  }
  return "is_final" in token;
}

/** Whether each time the token has is a finite number (translated tokens have none). */
function timesReadable(token: SonioxToken): boolean {
  return (token.start_ms === undefined || Number.isFinite(token.start_ms)) && (token.end_ms === undefined || Number.isFinite(token.end_ms));
}

/**
 * A fresh token with what of `token` fits the protocol. Times come as a pair: when either is not a
 * finite number (a string, or 1e400 read as Infinity) both are left out, since a token with half
 * its span would still mislead the repeat guard and the timeline.
 */
function cleanToken(token: SonioxToken): SonioxToken {
  const clean: SonioxToken = { text: token.text, is_final: token.is_final === true };
  const timed = timesReadable(token);
  let extras = 0;
  for (const name in token) {
    const value = token[name];
    switch (name) {
      case "text":
      case "is_final":
        break;
      case "start_ms":
      case "end_ms":
        if (timed && value !== undefined) clean[name] = value as number;
        break;
      case "confidence":
        if (Number.isFinite(value)) clean.confidence = value as number;
        break;
      case "speaker":
      case "language":
      case "source_language":
      case "translation_status":
        if (typeof value === "string") (clean as Record<string, unknown>)[name] = value;
        break;
      default:
        if (name !== "__proto__" && extras < MAX_EXTRA_FIELDS && isShortScalar(value)) {
          extras++;
          clean[name] = value;
        }
    }
  }
  return clean;
}

function isShortScalar(value: unknown): boolean {
  return typeof value === "boolean" || Number.isFinite(value) || (typeof value === "string" && value.length <= MAX_EXTRA_CHARS) || value === null;
}

export function finalizeFrame(trailingSilenceMs?: number): string {
  return trailingSilenceMs === undefined
    ? '{"type":"finalize"}'
    : JSON.stringify({ type: "finalize", trailing_silence_ms: trailingSilenceMs });
}

export const KEEPALIVE_FRAME = '{"type":"keepalive"}';

/** End of stream is an empty TEXT frame; an empty binary frame would be an empty audio chunk. */
export const END_OF_STREAM_FRAME = "";
