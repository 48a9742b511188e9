/**
 * Finds configured phrases in spoken text, the way people expect a voice command to match:
 * case does not matter, punctuation does not matter ("Kitchen-lights!" matches "kitchen lights"),
 * and a phrase matches whole words only ("on" does not fire inside "one").
 */

import { SonioxError } from "../errors";

export interface PhraseMatch {
  /** The phrase as configured, or the text the regular expression matched. */
  phrase: string;
  /** Index of the phrase in the configured list; -1 for the regular expression. */
  index: number;
  /** Capture groups of the regular expression (empty for phrases). */
  groups: string[];
  /** The normalised text that was searched. */
  normalized: string;
}

/** Lower case, every run of characters that are not letters or digits becomes one space. */
export function normalizeForMatch(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

export class PhraseMatcher {
  readonly #phrases: { phrase: string; normalized: string }[];
  readonly #regex: RegExp | null;

  /**
   * @param phrases phrases to look for; blank ones are ignored.
   * @param regex optional regular expression source, matched case-insensitively against the
   *   normalised text (so write it without punctuation). Throws a SonioxError (invalid_config) naming the
   *   expression when it does not compile.
   */
  constructor(phrases: readonly string[], regex = "") {
    const seen = new Set<string>();
    this.#phrases = [];
    for (const phrase of phrases) {
      const normalized = normalizeForMatch(phrase);
      // A phrase listed twice ("Lights on" and "lights on!") would otherwise fire twice.
      if (normalized === "" || seen.has(normalized)) continue;
      seen.add(normalized);
      this.#phrases.push({ phrase: phrase.trim(), normalized });
    }
    if (regex.trim() === "") {
      this.#regex = null;
    } else {
      try {
        this.#regex = new RegExp(regex, "iu");
      } catch (err) {
        const detail = (err as Error).message;
        throw new SonioxError("invalid_config", `Phrase regular expression /${regex}/ is invalid: ${detail}`, { key: "filter.regex-invalid", params: { regex, detail } });
      }
    }
    if (this.#phrases.length === 0 && this.#regex === null) {
      throw new SonioxError("invalid_config", "Phrase trigger needs at least one phrase or a regular expression", { key: "filter.no-phrase" });
    }
  }

  /** Every configured phrase found in `text` (in configured order), then the regex match if any. */
  match(text: string): PhraseMatch[] {
    const normalized = normalizeForMatch(text);
    if (normalized === "") return [];
    const padded = ` ${normalized} `;
    const out: PhraseMatch[] = [];
    this.#phrases.forEach((p, index) => {
      if (padded.includes(` ${p.normalized} `)) out.push({ phrase: p.phrase, index, groups: [], normalized });
    });
    const m = this.#regex?.exec(normalized);
    if (m) out.push({ phrase: m[0], index: -1, groups: m.slice(1).map((g) => g ?? ""), normalized });
    return out;
  }
}
