/**
 * Turns the Soniox token stream into complete utterances (segments): everything made final
 * between two boundaries. A boundary is an `<end>` (endpoint detection), a `<fin>` (manual
 * finalize) or the end of the stream. Used by the transcribe node's second output and by the
 * token-filter node's utterance and phrase modes.
 */
import { END_TOKEN, FIN_TOKEN, isTranslated, type SonioxToken } from "../session";
import { plainObject } from "../plain-object";

export type UtteranceReason = "endpoint" | "finalize" | "finished";

export interface Utterance {
  /** Spoken text of the segment: token texts concatenated verbatim, trimmed at the ends. */
  text: string;
  /** The final spoken tokens of the segment (no markers, no translated tokens). */
  tokens: SonioxToken[];
  start_ms: number | null;
  end_ms: number | null;
  /** The speaker of most spoken tokens (ties go to the one heard first). */
  speaker: string | null;
  /** The language of most spoken tokens (ties go to the one heard first). */
  language: string | null;
  /** Mean confidence over the spoken tokens that carry one. */
  confidence: number | null;
  reason: UtteranceReason;
  /** Translated text gathered for the segment; null when the stream carries no translation. */
  translation: string | null;
}

export interface UtteranceAssemblerOptions {
  /**
   * Most final tokens (spoken and translated) held for one open segment. When a segment
   * reaches it, the segment is emitted with reason "endpoint", as if the server had detected
   * one there: without endpoint detection or finalize a monologue would otherwise grow
   * without bound. Default 2000 (the official SDK's segment buffer bound).
   */
  maxTokens?: number;
  /**
   * Most characters of token text held for one open segment, emitted the same way. The token
   * bound alone lets a server that sends huge tokens make one segment hundreds of MB; real
   * segments of 2000 tokens stay far below the default 16384 (tokens average a few characters).
   */
  maxChars?: number;
}

export const DEFAULT_MAX_UTTERANCE_TOKENS = 2000;
export const DEFAULT_MAX_UTTERANCE_CHARS = 16384;

export class UtteranceAssembler {
  readonly #maxTokens: number;
  readonly #maxChars: number;
  #heldChars = 0;
  #spoken: SonioxToken[] = [];
  #translated: SonioxToken[] = [];
  // Translation fields appear on every token once translation is configured, so one sighting
  // tells a stream with translation (translation "" for a segment) from one without (null).
  #translationOn = false;

  constructor(options: UtteranceAssemblerOptions = {}) {
    const max = options.maxTokens ?? DEFAULT_MAX_UTTERANCE_TOKENS;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`UtteranceAssembler maxTokens must be a positive integer, got ${String(max)}`);
    }
    this.#maxTokens = max;
    const chars = options.maxChars ?? DEFAULT_MAX_UTTERANCE_CHARS;
    if (!Number.isInteger(chars) || chars < 1) {
      throw new RangeError(`UtteranceAssembler maxChars must be a positive integer, got ${String(chars)}`);
    }
    this.#maxChars = chars;
  }

  /**
   * Feed one Soniox response (tokens exactly as received). Returns the utterances completed by
   * it, in order. Non-final tokens are ignored: they are provisional and come back as final.
   * With `finished` the rest of the stream is emitted too (reason "finished") and the assembler
   * is left empty.
   */
  push(tokens: readonly SonioxToken[], finished = false): Utterance[] {
    const out: Utterance[] = [];
    for (const token of tokens) {
      if (!token.is_final) continue;
      if (token.text === END_TOKEN) {
        this.#flush("endpoint", out);
        continue;
      }
      if (token.text === FIN_TOKEN) {
        this.#flush("finalize", out);
        continue;
      }
      if (token.translation_status !== undefined) this.#translationOn = true;
      (isTranslated(token) ? this.#translated : this.#spoken).push(token);
      this.#heldChars += token.text.length;
      if (this.#spoken.length + this.#translated.length >= this.#maxTokens || this.#heldChars >= this.#maxChars) {
        this.#flush("endpoint", out);
      }
    }
    if (finished) {
      this.#flush("finished", out);
      this.reset();
    }
    return out;
  }

  /** Forget the open segment, e.g. when a new Soniox session starts for the same stream. */
  reset(): void {
    this.#spoken = [];
    this.#translated = [];
    this.#heldChars = 0;
    this.#translationOn = false;
  }

  #flush(reason: UtteranceReason, out: Utterance[]): void {
    const spoken = this.#spoken;
    const translated = this.#translated;
    this.#spoken = [];
    this.#translated = [];
    this.#heldChars = 0;
    const text = joinText(spoken);
    const translation = this.#translationOn ? joinText(translated) : null;
    // A segment with neither spoken nor translated text (e.g. `<fin>` right after `<end>`) is noise.
    if (text === "" && !translation) return;
    // It travels on the message as msg.utterance (see plain-object.ts).
    out.push(plainObject({
      text,
      tokens: spoken,
      start_ms: minOf(spoken, "start_ms"),
      end_ms: maxOf(spoken, "end_ms"),
      speaker: mostCommon(spoken, "speaker"),
      language: mostCommon(spoken, "language"),
      confidence: meanConfidence(spoken),
      reason,
      translation,
    }));
  }
}

function joinText(tokens: readonly SonioxToken[]): string {
  return tokens.map((t) => t.text).join("").trim();
}

function minOf(tokens: readonly SonioxToken[], field: "start_ms"): number | null {
  let min: number | null = null;
  for (const t of tokens) {
    const v = t[field];
    if (typeof v === "number" && (min === null || v < min)) min = v;
  }
  return min;
}

function maxOf(tokens: readonly SonioxToken[], field: "end_ms"): number | null {
  let max: number | null = null;
  for (const t of tokens) {
    const v = t[field];
    if (typeof v === "number" && (max === null || v > max)) max = v;
  }
  return max;
}

function mostCommon(tokens: readonly SonioxToken[], field: "speaker" | "language"): string | null {
  // A Map iterates in insertion order, so on a tie the value heard first wins.
  const counts = new Map<string, number>();
  for (const t of tokens) {
    const v = t[field];
    if (typeof v === "string" && v !== "") counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [v, n] of counts) {
    if (n > bestCount) {
      best = v;
      bestCount = n;
    }
  }
  return best;
}

function meanConfidence(tokens: readonly SonioxToken[]): number | null {
  let sum = 0;
  let n = 0;
  for (const t of tokens) {
    if (typeof t.confidence === "number") {
      sum += t.confidence;
      n++;
    }
  }
  return n === 0 ? null : sum / n;
}
