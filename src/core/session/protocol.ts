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
  | { kind: "result"; result: SonioxResult }
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
  // something that is not a token.
  const result = obj as SonioxResult;
  result.tokens = readTokens(obj.tokens);
  if (typeof obj.final_audio_proc_ms !== "number") delete result.final_audio_proc_ms;
  if (typeof obj.total_audio_proc_ms !== "number") delete result.total_audio_proc_ms;
  if (obj.finished !== true) delete result.finished;
  return { kind: "result", result };
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

/** The tokens of a parsed frame: entries that are not tokens dropped, `is_final` made a boolean. */
function readTokens(raw: unknown): SonioxToken[] {
  if (!Array.isArray(raw)) return [];
  let tokens: SonioxToken[] | null = null;
  for (let i = 0; i < raw.length; i++) {
    const t: unknown = raw[i];
    if (typeof t === "object" && t !== null && typeof (t as SonioxToken).text === "string") {
      const token = t as SonioxToken;
      if (token.is_final !== true && token.is_final !== false) token.is_final = false;
      if (tokens !== null) tokens.push(token);
    } else if (tokens === null) {
      tokens = raw.slice(0, i) as SonioxToken[];
    }
  }
  return tokens ?? (raw as SonioxToken[]);
}

export function finalizeFrame(trailingSilenceMs?: number): string {
  return trailingSilenceMs === undefined
    ? '{"type":"finalize"}'
    : JSON.stringify({ type: "finalize", trailing_silence_ms: trailingSilenceMs });
}

export const KEEPALIVE_FRAME = '{"type":"keepalive"}';

/** End of stream is an empty TEXT frame; an empty binary frame would be an empty audio chunk. */
export const END_OF_STREAM_FRAME = "";
