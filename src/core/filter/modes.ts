/**
 * Every token-filter mode and what it means, in the order the dialog and errors list them. The
 * filter's checks and dispatch read this table; the editor and the help are held to it by tests.
 * A new mode is one row here, its output in TokenFilter, a dialog option, i18n and help.
 */
export const FILTER_MODE_TABLE = {
  tokens: { segments: false, state: "none", output: ["token"] },
  text: { segments: false, state: "none", output: ["tokens", "text"] },
  caption: { segments: false, state: "caption", output: ["caption"] },
  utterance: { segments: true, state: "utterances", output: ["utterance"] },
  turns: { segments: true, state: "turns", output: ["turn"] },
  phrase: { segments: true, state: "utterances", output: ["match", "utterance"] },
} as const satisfies Record<string, FilterModeSpec>;

export interface FilterModeSpec {
  /**
   * Works on segments of speech: it reads every final token and the <end>/<fin> markers (the
   * segment boundaries), whatever the selection says about finality and markers; the editor hides
   * those two settings for it.
   */
  segments: boolean;
  /**
   * What a stream keeps between responses, per output lane: nothing, the live caption, the
   * current speaker's turn, or the open utterance (utterances hold spoken and translated text
   * together, so they are split by port only once complete).
   */
  state: "none" | "caption" | "turns" | "utterances";
  /** The msg properties a result sets besides msg.payload (always the result as plain text). */
  output: readonly string[];
}

export type FilterMode = keyof typeof FILTER_MODE_TABLE;
export const FILTER_MODES = Object.keys(FILTER_MODE_TABLE) as FilterMode[];

export function isFilterMode(value: unknown): value is FilterMode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(FILTER_MODE_TABLE, value);
}
