/**
 * Turns a simulator script ("Hello there [S2] hi [de] hallo") into the words the fake
 * recogniser will hear, each tagged with its speaker and spoken language.
 */

export interface ScriptWord {
  text: string;
  speaker: string;
  language: string;
}

const SPEAKER_MARKER = /^\[S(\d{1,2})\]$/i;
const LANGUAGE_MARKER = /^\[([a-z]{2})\]$/;

/**
 * Splits on whitespace. `[S2]` switches the speaker label to "2" and `[de]` the language for the
 * words that follow; markers are not words and never appear in tokens.
 */
export function parseScript(script: string, initialLanguage: string): ScriptWord[] {
  const words: ScriptWord[] = [];
  let speaker = "1";
  let language = initialLanguage;
  for (const piece of script.split(/\s+/)) {
    if (piece === "") continue;
    const speakerMatch = SPEAKER_MARKER.exec(piece);
    const languageMatch = LANGUAGE_MARKER.exec(piece);
    if (speakerMatch) speaker = String(Number(speakerMatch[1]));
    else if (languageMatch) language = languageMatch[1];
    else words.push({ text: piece, speaker, language });
  }
  return words;
}

/** The text a client should assemble from all final tokens: the words joined by single spaces. */
export function scriptText(script: string): string {
  return parseScript(script, "en")
    .map((w) => w.text)
    .join(" ");
}
