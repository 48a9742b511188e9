/**
 * Which tokens a token-filter keeps. Markers (`<end>`, `<fin>`) are not judged by the spoken-token
 * selectors (they carry no speaker, language or confidence); only `dropMarkers` removes them.
 */
import { isMarker, type SonioxToken } from "../session";

export type Finality = "final" | "non_final" | "both";

/** "spoken" = original + none: everything that was said, nothing that was translated. */
export type TranslationSelector = "any" | "spoken" | "original" | "translation" | "none";

export interface TokenSelection {
  finality: Finality;
  dropMarkers: boolean;
  /** Speaker labels to keep; empty keeps all. When set, tokens without a speaker are dropped. */
  speakers: readonly string[];
  /** Language codes to keep; empty keeps all. When set, tokens without a language are dropped. */
  languages: readonly string[];
  /** Tokens below this confidence are dropped; tokens without a confidence (translations) are kept. */
  minConfidence: number;
  translation: TranslationSelector;
}

export const DEFAULT_SELECTION: TokenSelection = {
  finality: "final",
  dropMarkers: true,
  speakers: [],
  languages: [],
  minConfidence: 0,
  translation: "any",
};

export function selectToken(token: SonioxToken, sel: TokenSelection): boolean {
  if (sel.finality === "final" && !token.is_final) return false;
  if (sel.finality === "non_final" && token.is_final) return false;
  if (isMarker(token)) return !sel.dropMarkers;
  if (sel.speakers.length > 0 && (token.speaker === undefined || !sel.speakers.includes(token.speaker))) return false;
  if (sel.languages.length > 0 && (token.language === undefined || !sel.languages.includes(token.language))) {
    return false;
  }
  if (typeof token.confidence === "number" && token.confidence < sel.minConfidence) return false;
  return matchesTranslation(token, sel.translation);
}

function matchesTranslation(token: SonioxToken, selector: TranslationSelector): boolean {
  // Without translation configured Soniox sends no status; such tokens are spoken and untranslated.
  const status = token.translation_status ?? "none";
  switch (selector) {
    case "any":
      return true;
    case "spoken":
      return status !== "translation";
    default:
      return status === selector;
  }
}

/** "1, 2 ,,3" → ["1","2","3"]: the comma-separated lists the editor stores. */
export function parseList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
