/**
 * The fake speech recogniser: it "hears" the script words as SPEECH audio time advances and
 * produces Soniox-shaped results. Silence moves the stream clock without revealing words, so
 * timestamps follow the audio the client really sent.
 *
 * Lifecycle of a word: heard partly → non-final prefix (" he", " hell"); heard fully →
 * non-final whole word; received audio passes its end + finalLagMs (or a finalize / endpoint /
 * end of stream) → sent once as final, never again. Once the script runs out, further speech
 * reveals nothing (and so ends no further utterance).
 */
import { END_TOKEN, FIN_TOKEN, type SonioxResult, type SonioxToken } from "../core/session";
import type { ScriptWord } from "./script";
import { prefixToken, translationToken, wordTokens, type TimedWord, type TokenFields } from "./token-builder";

export interface RecogniserConfig extends TokenFields {
  wordMs: number;
  finalLagMs: number;
  /** Continuous silence (ms) that ends an utterance with `<end>`; null = endpoint detection off. */
  endpointSilenceMs: number | null;
}

/** A partial word is shown once this share of it has been heard (a too-short guess helps nobody). */
const MIN_SHOWN_FRACTION = 0.3;

interface HeardWord extends TimedWord {
  heardMs: number;
}

export class Recogniser {
  private streamMs = 0;
  private finalMs = 0;
  private nextWord = 0;
  private current: HeardWord | null = null;
  private readonly pending: HeardWord[] = [];
  /** Final tokens and markers produced but not yet sent: each goes out exactly once. */
  private readonly outbox: SonioxToken[] = [];
  private silentRunMs = 0;
  private wordsSinceEndpoint = 0;
  private translatedWords = 0;

  constructor(
    private readonly words: readonly ScriptWord[],
    private readonly config: RecogniserConfig,
  ) {}

  /** Received audio time so far (ms). */
  get audioMs(): number {
    return this.streamMs;
  }

  /** True when finals or markers wait to be sent; callers answer at once rather than at the next tick. */
  get hasFinalOutput(): boolean {
    return this.outbox.length > 0;
  }

  /** Feeds `ms` of received audio that was classified as speech or silence. */
  advance(ms: number, speech: boolean): void {
    if (speech) {
      this.silentRunMs = 0;
      this.hear(ms);
    } else {
      this.streamMs += ms;
      this.silentRunMs += ms;
    }
    this.finalizeByLag();
    const endpointMs = this.config.endpointSilenceMs;
    if (endpointMs !== null && this.silentRunMs >= endpointMs && this.wordsSinceEndpoint > 0) {
      this.finalizeAll(END_TOKEN);
    }
  }

  /** Manual finalize (and endpoint): everything heard, partial words included, turns final. */
  finalizeAll(marker: typeof END_TOKEN | typeof FIN_TOKEN | null): void {
    this.completeCurrent();
    this.emitFinals(this.pending.length);
    if (marker !== null) this.outbox.push({ text: marker, is_final: true });
    if (marker === END_TOKEN) this.wordsSinceEndpoint = 0;
    this.finalMs = this.streamMs;
  }

  /** Reveals every script word not heard yet, at the current stream time, so none is lost at end of stream. */
  flushScript(): void {
    this.completeCurrent();
    while (this.nextWord < this.words.length) {
      const index = this.nextWord++;
      this.pending.push({ index, word: this.words[index], startMs: this.streamMs, endMs: this.streamMs, heardMs: 0 });
    }
  }

  /** Drains the outbox into one result: new finals first, then the whole current non-final tail. */
  takeResult(): SonioxResult {
    const tokens = this.outbox.splice(0);
    for (const w of this.pending) tokens.push(...wordTokens(w, false, this.config));
    if (this.current) {
      const fraction = this.current.heardMs / this.config.wordMs;
      if (fraction >= MIN_SHOWN_FRACTION) tokens.push(prefixToken(this.current, fraction, this.config));
    }
    return {
      tokens,
      final_audio_proc_ms: Math.floor(this.finalMs),
      total_audio_proc_ms: Math.floor(this.streamMs),
    };
  }

  private hear(ms: number): void {
    let remaining = ms;
    while (remaining > 0) {
      if (!this.current) {
        if (this.nextWord >= this.words.length) {
          // Script exhausted: further speech is heard as nothing.
          this.streamMs += remaining;
          return;
        }
        const index = this.nextWord++;
        this.current = { index, word: this.words[index], startMs: this.streamMs, endMs: this.streamMs, heardMs: 0 };
        this.wordsSinceEndpoint++;
      }
      const take = Math.min(remaining, this.config.wordMs - this.current.heardMs);
      this.current.heardMs += take;
      this.streamMs += take;
      this.current.endMs = this.streamMs;
      remaining -= take;
      if (this.current.heardMs >= this.config.wordMs) this.completeCurrent();
    }
  }

  private completeCurrent(): void {
    if (this.current) this.pending.push(this.current);
    this.current = null;
  }

  private finalizeByLag(): void {
    let due = 0;
    while (due < this.pending.length && this.streamMs >= this.pending[due].endMs + this.config.finalLagMs) due++;
    this.emitFinals(due);
    const firstOpen = this.pending[0]?.startMs ?? this.current?.startMs ?? Infinity;
    this.finalMs = Math.max(this.finalMs, Math.min(this.streamMs - this.config.finalLagMs, firstOpen));
  }

  /** Sends the first `count` pending words as finals, then their fake translations. */
  private emitFinals(count: number): void {
    if (count === 0) return;
    const done = this.pending.splice(0, count);
    for (const w of done) this.outbox.push(...wordTokens(w, true, this.config));
    const translation = this.config.translation;
    if (!translation) return;
    for (const w of done) {
      const token = translationToken(w.word, translation, this.translatedWords === 0, this.config);
      if (token) {
        this.outbox.push(token);
        this.translatedWords++;
      }
    }
  }
}
