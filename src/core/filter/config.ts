/**
 * The token-filter node's editor settings (strings from inputs, blanks meaning "default")
 * turned into TokenFilter options. Kept here, free of Node-RED, so it can be tested directly.
 */
import { parseList, type Finality, type TranslationSelector } from "./selection";
import { DEFAULT_FILTER_OPTIONS, type TokenFilterOptions } from "./token-filter";
import type { FilterMode } from "./modes";
import { SonioxError } from "../errors";

export interface TokenFilterSettings {
  mode?: string;
  finality?: string;
  dropMarkers?: boolean;
  /** Comma-separated speaker labels. */
  speakers?: string;
  /** Comma-separated language codes. */
  languages?: string;
  minConfidence?: string | number;
  translation?: string;
  splitTranslation?: boolean;
  captionMaxChars?: string | number;
  /** One phrase per line. */
  phrases?: string;
  phraseRegex?: string;
  maxStreams?: string | number;
}

const FINALITIES: readonly string[] = ["final", "non_final", "both"];
const TRANSLATION_SELECTORS: readonly string[] = ["any", "spoken", "original", "translation", "none"];

/** Throws a SonioxError naming the setting when a value is not one the editor offers. */
export function filterOptionsFromSettings(s: TokenFilterSettings): TokenFilterOptions {
  const finality = s.finality || "final";
  const translation = s.translation || "any";
  if (!FINALITIES.includes(finality)) {
    const choices = FINALITIES.join(", ");
    throw new SonioxError("invalid_config", `Unknown token finality "${finality}"; use one of ${choices}`, { key: "filter.unknown-finality", params: { value: finality, choices } });
  }
  if (!TRANSLATION_SELECTORS.includes(translation)) {
    const choices = TRANSLATION_SELECTORS.join(", ");
    throw new SonioxError("invalid_config", `Unknown translation status "${translation}"; use one of ${choices}`, { key: "filter.unknown-translation", params: { value: translation, choices } });
  }
  const d = DEFAULT_FILTER_OPTIONS;
  return {
    // TokenFilter rejects an unknown mode with the list of valid ones.
    mode: (s.mode || d.mode) as FilterMode,
    selection: {
      finality: finality as Finality,
      dropMarkers: s.dropMarkers !== false,
      speakers: parseList(s.speakers ?? ""),
      languages: parseList(s.languages ?? ""),
      minConfidence: numberOr(s.minConfidence, d.selection.minConfidence),
      translation: translation as TranslationSelector,
    },
    splitTranslation: s.splitTranslation === true,
    captionMaxChars: numberOr(s.captionMaxChars, d.captionMaxChars),
    phrases: (s.phrases ?? "").split(/\r?\n/),
    phraseRegex: s.phraseRegex ?? "",
    maxStreams: numberOr(s.maxStreams, d.maxStreams),
  };
}

function numberOr(value: string | number | undefined, fallback: number): number {
  if (value === undefined || (typeof value === "string" && value.trim() === "")) return fallback;
  return Number(value);
}
