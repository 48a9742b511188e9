import { END_TOKEN, FIN_TOKEN, isTranslated, type SonioxResult, type SonioxToken } from "./protocol";
import type { ResultSummary, StreamResponse, TextPair } from "./stream-types";
import { plainConstructor } from "../plain-object";

// msg.payload of the transcribe node's first output, made without a literal (see plain-object.ts).
// `translation`, when there is one, comes before `session`: keys in this order.
const Response = plainConstructor(function (
  this: StreamResponse,
  tokens: SonioxToken[],
  finalText: string,
  nonFinalText: string,
  endpoint: boolean,
  finalized: boolean,
  finished: boolean,
  translation: TextPair | null,
  session: number,
) {
  this.tokens = tokens;
  this.final_text = finalText;
  this.non_final_text = nonFinalText;
  this.endpoint = endpoint;
  this.finalized = finalized;
  this.finished = finished;
  if (translation !== null) this.translation = translation;
  this.session = session;
});
const TextPairOf = plainConstructor(function (this: TextPair, finalText: string, nonFinalText: string) {
  this.final_text = finalText;
  this.non_final_text = nonFinalText;
});

/**
 * One pass over the tokens: final text is what this response made final (append it), non-final
 * text is the whole provisional tail (replace the previous one). Markers become flags.
 */
export function summariseResult(result: SonioxResult): ResultSummary {
  // Rarely needed (only while a rotation waits for a quiet moment), so the response's own scan serves.
  return responseOf(result.tokens, result, 0, result.finished === true);
}

/**
 * The response a stream emits, built in one pass and one object (no summary object and spread per
 * response): `tokens` (already filtered for repeats), the summary of those tokens, `session`, and
 * the result's audio progress. `finished` is the caller's: a retiring session's "finished" ends
 * that session, not the stream. Keys in this order: flows and tests see the messages as before.
 */
export function responseOf(tokens: SonioxToken[], result: SonioxResult, session: number, finished: boolean): StreamResponse {
  let finalText = "";
  let nonFinalText = "";
  let trFinal = "";
  let trNonFinal = "";
  let translated = false;
  let endpoint = false;
  let finalized = false;
  for (const token of tokens) {
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
  const translation = translated ? new TextPairOf(trFinal, trNonFinal) : null;
  const response = new Response(tokens, finalText, nonFinalText, endpoint, finalized, finished, translation, session);
  if (result.final_audio_proc_ms !== undefined) response.final_audio_proc_ms = result.final_audio_proc_ms;
  if (result.total_audio_proc_ms !== undefined) response.total_audio_proc_ms = result.total_audio_proc_ms;
  return response;
}
