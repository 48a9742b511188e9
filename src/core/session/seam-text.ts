import { isMarker, isTranslated, type SonioxToken } from "./protocol";
import type { SessionTokens } from "./repeat-guard";

/**
 * Languages written without spaces between words (by their ISO 639-1/3 code): no space is added
 * at a seam in these. Soniox names languages by these codes (`language` on tokens, language hints).
 */
const UNSPACED = new Set(["ja", "zh", "yue", "wuu", "th", "lo", "km", "my", "bo", "dz"]);

/** Scripts written without spaces, for text whose language is not named. */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;

const LEADING_SPACE = /^\s/u;
const TRAILING_SPACE = /\s$/u;

function spaced(language: string | undefined): boolean {
  return !UNSPACED.has((language ?? "").toLowerCase().split(/[-_]/)[0]);
}

/**
 * Keeps a word boundary where one Soniox session hands over to the next. Every session begins its
 * text without a leading space (the real service starts `"It"`, `" was"`, …), so text joined across
 * a reconnect or rotation would read `"please.The"`. The session's first word (and first
 * translated word) gets one space when the text delivered before it ended a word and the language
 * is written with spaces: from the token's `language`, else the configured language hints, else
 * the script of the letters on either side. Tokens otherwise keep Soniox's text.
 */
export class SeamSpacer {
  /** The last characters of the final text delivered so far (spoken, translated); empty before any. */
  private spokenEnds = "";
  private translatedEnds = "";

  constructor(private readonly languageHints: readonly string[]) {}

  /** Spaces the session's lead tokens in `tokens` (already filtered) as needed, then notes how the text now ends. */
  apply(tokens: readonly SonioxToken[], session: SessionTokens): void {
    if (session.leadWord) this.space(session.leadWord, this.spokenEnds);
    if (session.leadTranslation) this.space(session.leadTranslation, this.translatedEnds);
    // From the end: only the last final spoken and translated texts matter.
    let spoken = false;
    let translated = false;
    for (let i = tokens.length - 1; i >= 0 && !(spoken && translated); i--) {
      const token = tokens[i];
      if (!token.is_final || isMarker(token) || token.text === "") continue;
      // Two code units: a letter outside the BMP is a surrogate pair.
      if (isTranslated(token)) {
        if (!translated) this.translatedEnds = token.text.slice(-2);
        translated = true;
      } else {
        if (!spoken) this.spokenEnds = token.text.slice(-2);
        spoken = true;
      }
    }
  }

  private space(token: SonioxToken, before: string): void {
    const text = token.text;
    if (before === "" || TRAILING_SPACE.test(before) || text === "" || LEADING_SPACE.test(text)) return;
    if (!this.isSpaced(token, before)) return;
    token.text = " " + text;
  }

  private isSpaced(token: SonioxToken, before: string): boolean {
    if (token.language) return spaced(token.language);
    if (this.languageHints.length > 0 && !this.languageHints.some((h) => spaced(h))) return false;
    return !UNSPACED_SCRIPT.test(before) && !UNSPACED_SCRIPT.test(token.text.slice(0, 2));
  }
}
