/**
 * Builds the tokens the simulator sends for a heard word, in Soniox's shapes (protocol notes §5.2):
 * sub-word pieces with the leading space attached, deterministic confidences, and the optional
 * speaker / language / translation fields. Fake translations are the source words upper-cased,
 * so a test can predict them exactly ("how are you" → "HOW ARE YOU").
 */
import type { SonioxToken, TranslationStatus } from "../core/session";
import type { ScriptWord } from "./script";
import type { TranslationConfig } from "./start-validation";

export interface TokenFields {
  speakerDiarization: boolean;
  /** `language` goes on spoken tokens with language identification or translation on. */
  languageIdentification: boolean;
  translation: TranslationConfig | null;
}

/** A script word placed on the stream's audio timeline. */
export interface TimedWord {
  /** Position in the script (sets the confidences). */
  index: number;
  /** The session's first word: no leading space, as every real session starts ("It", " was"). */
  first: boolean;
  word: ScriptWord;
  startMs: number;
  endMs: number;
}

/** Words longer than this are sent as two sub-word pieces, like Soniox's " beau" + "tiful". */
const SPLIT_ABOVE_CHARS = 6;

function confidenceFor(index: number, piece: number): number {
  return Math.round((0.8 + ((index * 7 + piece * 3) % 20) / 100) * 100) / 100;
}

/** Whether a spoken word will be translated, or "none" when it is already in the output language. */
export function translationStatusOf(language: string, translation: TranslationConfig): TranslationStatus {
  if (translation.type === "one_way") return language === translation.targetLanguage ? "none" : "original";
  return language === translation.languageA || language === translation.languageB ? "original" : "none";
}

function decorate(token: SonioxToken, word: ScriptWord, fields: TokenFields): SonioxToken {
  if (fields.speakerDiarization) token.speaker = word.speaker;
  if (fields.languageIdentification || fields.translation) token.language = word.language;
  if (fields.translation) token.translation_status = translationStatusOf(word.language, fields.translation);
  return token;
}

/**
 * The whole word as one or two pieces, timestamps split in proportion to the characters. A final
 * piece equals its last non-final version, confidence included (as in the recorded session).
 */
export function wordTokens(w: TimedWord, isFinal: boolean, fields: TokenFields): SonioxToken[] {
  const lead = w.first ? "" : " ";
  const text = w.word.text;
  const cut = text.length > SPLIT_ABOVE_CHARS ? Math.ceil(text.length / 2) : text.length;
  const parts = cut < text.length ? [text.slice(0, cut), text.slice(cut)] : [text];
  const span = w.endMs - w.startMs;
  let consumed = 0;
  return parts.map((part, i) => {
    const from = w.startMs + (span * consumed) / text.length;
    consumed += part.length;
    const to = w.startMs + (span * consumed) / text.length;
    const token: SonioxToken = {
      text: i === 0 ? lead + part : part,
      start_ms: Math.round(from),
      end_ms: Math.round(to),
      confidence: confidenceFor(w.index, i),
      is_final: isFinal,
    };
    return decorate(token, w.word, fields);
  });
}

/** A non-final guess at a word heard only partly: its first characters, in proportion to `fraction`. */
export function prefixToken(w: TimedWord, fraction: number, fields: TokenFields): SonioxToken {
  const text = w.word.text;
  const shown = Math.max(1, Math.min(text.length, Math.ceil(text.length * fraction)));
  const token: SonioxToken = {
    text: (w.first ? "" : " ") + text.slice(0, shown),
    start_ms: Math.round(w.startMs),
    end_ms: Math.round(w.endMs),
    confidence: Math.round((0.4 + 0.4 * fraction) * 100) / 100,
    is_final: false,
  };
  return decorate(token, w.word, fields);
}

/**
 * Fake translation of one final word, or null when the word is not translated. Translated tokens
 * carry a confidence but no start_ms/end_ms, as on the real service.
 */
export function translationToken(
  word: ScriptWord,
  translation: TranslationConfig,
  first: boolean,
  fields: TokenFields,
): SonioxToken | null {
  if (translationStatusOf(word.language, translation) !== "original") return null;
  const target =
    translation.type === "one_way"
      ? translation.targetLanguage
      : word.language === translation.languageA
        ? translation.languageB
        : translation.languageA;
  const token: SonioxToken = {
    text: (first ? "" : " ") + word.text.toUpperCase(),
    confidence: 0.9,
    is_final: true,
    language: target,
    source_language: word.language,
    translation_status: "translation",
  };
  if (fields.speakerDiarization) token.speaker = word.speaker;
  return token;
}
