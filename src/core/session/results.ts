import { END_TOKEN, FIN_TOKEN, isTranslated, type SonioxResult } from "./protocol";

export interface TextPair {
  final_text: string;
  non_final_text: string;
}

/** What one response means for a flow, beside its raw tokens. */
export interface ResultSummary extends TextPair {
  endpoint: boolean;
  finalized: boolean;
  finished: boolean;
  /** Present only when the response carried translated tokens. */
  translation?: TextPair;
}

/**
 * One pass over the tokens: final text is what this response made final (append it), non-final
 * text is the whole provisional tail (replace the previous one). Markers become flags.
 */
export function summariseResult(result: SonioxResult): ResultSummary {
  let finalText = "";
  let nonFinalText = "";
  let trFinal = "";
  let trNonFinal = "";
  let translated = false;
  let endpoint = false;
  let finalized = false;
  for (const token of result.tokens) {
    const text = token.text;
    if (text === END_TOKEN) {
      endpoint = true;
      continue;
    }
    if (text === FIN_TOKEN) {
      finalized = true;
      continue;
    }
    if (isTranslated(token)) {
      translated = true;
      if (token.is_final) trFinal += text;
      else trNonFinal += text;
    } else if (token.is_final) finalText += text;
    else nonFinalText += text;
  }
  const summary: ResultSummary = {
    final_text: finalText,
    non_final_text: nonFinalText,
    endpoint,
    finalized,
    finished: result.finished === true,
  };
  if (translated) summary.translation = { final_text: trFinal, non_final_text: trNonFinal };
  return summary;
}
