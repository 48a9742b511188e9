/**
 * The fake speech recogniser: it "hears" the script words as SPEECH audio time advances and
 * produces Soniox-shaped results. Silence moves the stream clock without revealing words, so
 * timestamps follow the audio the client really sent.
 *
 * Lifecycle of a word: heard partly → non-final prefix (" he", " hell"); heard fully →
 * non-final whole word; its pieces turn final in the first batch after received audio passes
 * their end + finalLagMs, or at a finalize / endpoint / end of stream (final-queue.ts), each sent
 * once. The session's first word has no leading space. Once the script runs out, further speech
 * reveals nothing (and so ends no further utterance).
 */
import { END_TOKEN, FIN_TOKEN, type SonioxResult } from "../core/session";
import { FinalQueue, type FinalTiming } from "./final-queue";
import type { ScriptWord } from "./script";
import { prefixToken, type TimedWord, type TokenFields } from "./token-builder";

export interface RecogniserConfig extends TokenFields, FinalTiming {
  wordMs: number;
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
  private nextWord = 0;
  private current: HeardWord | null = null;
  /** Heard words not yet final; their finals and markers each go out exactly once. */
  private readonly queue: FinalQueue;
  private silentRunMs = 0;
  private wordsSinceEndpoint = 0;

  constructor(
    private readonly words: readonly ScriptWord[],
    private readonly config: RecogniserConfig,
  ) {
    this.queue = new FinalQueue(config);
  }

  /** Received audio time so far (ms). */
  get audioMs(): number {
    return this.streamMs;
  }

  /** True when finals or markers wait to be sent; callers answer at once rather than at the next tick. */
  get hasFinalOutput(): boolean {
    return this.queue.hasOutput;
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
    this.queue.advance(this.streamMs, this.current?.startMs ?? Infinity);
    const endpointMs = this.config.endpointSilenceMs;
    if (endpointMs !== null && this.silentRunMs >= endpointMs && this.wordsSinceEndpoint > 0) {
      this.finalizeAll(END_TOKEN);
    }
  }

  /**
   * Finalize (and endpoint, end of stream): everything heard before `uptoMs` (default: all of it),
   * a partly heard word included, turns final.
   */
  finalizeAll(marker: typeof END_TOKEN | typeof FIN_TOKEN | null, uptoMs: number | null = null): void {
    if (this.current && (uptoMs === null || this.current.startMs < uptoMs)) this.completeCurrent();
    this.queue.finalizeBefore(uptoMs, marker, this.streamMs);
    if (marker === END_TOKEN) this.wordsSinceEndpoint = 0;
  }

  /** Reveals every script word not heard yet, at the current stream time, so none is lost at end of stream. */
  flushScript(): void {
    this.completeCurrent();
    while (this.nextWord < this.words.length) this.queue.add(this.startWord());
  }

  /** Drains the queue into one result: new finals first, then the whole current non-final tail. */
  takeResult(): SonioxResult {
    const tokens = this.queue.take();
    if (this.current) {
      const fraction = this.current.heardMs / this.config.wordMs;
      if (fraction >= MIN_SHOWN_FRACTION) tokens.push(prefixToken(this.current, fraction, this.config));
    }
    return {
      tokens,
      final_audio_proc_ms: Math.floor(this.queue.finalMs),
      total_audio_proc_ms: Math.floor(this.streamMs),
    };
  }

  private startWord(): HeardWord {
    const index = this.nextWord++;
    return { index, first: index === 0, word: this.words[index], startMs: this.streamMs, endMs: this.streamMs, heardMs: 0 };
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
        this.current = this.startWord();
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
    if (this.current) this.queue.add(this.current);
    this.current = null;
  }
}
