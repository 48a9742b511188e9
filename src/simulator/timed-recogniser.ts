/**
 * A recogniser for tests that need words at known places in a file: the words sit on the file's
 * own timeline, and a connection hears those after the point where its audio begins in the file.
 * That point is found by the test (it knows the file), not from anything the client says, so a
 * client that places a replacement session's audio wrongly on the timeline is caught.
 *
 * Lifecycle of a word: received audio reaches its end → non-final; passes its end + finalLagMs
 * (or finalize, or end of stream) → final, sent once. A word whose middle lies before the
 * connection's first audio is not heard at all (the previous session had it).
 */
import { END_TOKEN, FIN_TOKEN, type SonioxResult, type SonioxToken } from "../core/session";
import { wordTokens, type TimedWord, type TokenFields } from "./token-builder";

export interface FileWord {
  text: string;
  startMs: number;
  endMs: number;
}

export interface TimedScript {
  words: FileWord[];
  /**
   * Where a connection's audio begins in the file (ms), given all it received so far (asked only
   * once some audio was measured, so the bytes are more than a header); null while that cannot be
   * told yet.
   */
  locate(received: Buffer): number | null;
}

export class TimedRecogniser {
  private startMs: number | null = null;
  private streamMs = 0;
  private finalMs = 0;
  private nextWord = 0;
  private readonly pending: TimedWord[] = [];
  private readonly outbox: SonioxToken[] = [];

  constructor(
    private readonly words: readonly FileWord[],
    private readonly config: TokenFields & { finalLagMs: number },
  ) {}

  get located(): boolean {
    return this.startMs !== null;
  }

  get hasFinalOutput(): boolean {
    return this.outbox.length > 0;
  }

  /** Places the connection on the file's timeline; words before that point were someone else's. */
  locate(fileMs: number): void {
    this.startMs = fileMs;
    while (this.nextWord < this.words.length && mid(this.words[this.nextWord]) < fileMs) this.nextWord++;
  }

  advance(ms: number): void {
    this.streamMs += ms;
    if (this.startMs === null) return;
    while (this.nextWord < this.words.length && this.local(this.words[this.nextWord]).endMs <= this.streamMs) {
      this.pending.push(this.local(this.words[this.nextWord]));
      this.nextWord++;
    }
    let due = 0;
    while (due < this.pending.length && this.streamMs >= this.pending[due].endMs + this.config.finalLagMs) due++;
    this.emitFinals(due);
    const next = this.words[this.nextWord];
    const firstOpen = this.pending[0]?.startMs ?? (next ? this.local(next).startMs : Infinity);
    this.finalMs = Math.max(this.finalMs, Math.min(this.streamMs - this.config.finalLagMs, firstOpen));
  }

  /** Everything heard turns final, a word heard in part included (as Soniox's finalize does). */
  finalizeAll(marker: typeof END_TOKEN | typeof FIN_TOKEN | null): void {
    const next = this.words[this.nextWord];
    if (this.startMs !== null && next && this.local(next).startMs < this.streamMs) {
      this.pending.push(this.local(next));
      this.nextWord++;
    }
    this.emitFinals(this.pending.length);
    if (marker !== null) this.outbox.push({ text: marker, is_final: true });
    this.finalMs = Math.max(this.finalMs, this.streamMs);
  }

  takeResult(): SonioxResult {
    const tokens = this.outbox.splice(0);
    for (const w of this.pending) tokens.push(...wordTokens(w, false, this.config));
    return { tokens, final_audio_proc_ms: Math.floor(this.finalMs), total_audio_proc_ms: Math.floor(this.streamMs) };
  }

  private local(w: FileWord): TimedWord {
    const index = this.words.indexOf(w);
    const start = this.startMs ?? 0;
    return {
      index,
      word: { text: w.text, speaker: "1", language: "en" },
      startMs: Math.max(0, w.startMs - start),
      endMs: Math.max(0, w.endMs - start),
    };
  }

  private emitFinals(count: number): void {
    for (const w of this.pending.splice(0, count)) this.outbox.push(...wordTokens(w, true, this.config));
  }
}

function mid(w: FileWord): number {
  return (w.startMs + w.endMs) / 2;
}
