/**
 * A recogniser for tests that need words at known places in a file: the words sit on the file's
 * own timeline, and a connection hears those after the point where its audio begins in the file.
 * That point is found by the test (it knows the file), not from anything the client says, so a
 * client that places a replacement session's audio wrongly on the timeline is caught.
 *
 * Lifecycle of a word: received audio reaches its end → non-final; its pieces turn final in
 * batches as for the script recogniser (final-queue.ts), or at finalize / end of stream, each sent
 * once. The first word a connection hears has no leading space, as every real session starts. A word whose middle lies before the
 * connection's first audio is not heard at all (the previous session had it).
 */
import { END_TOKEN, FIN_TOKEN, type SonioxResult } from "../core/session";
import { FinalQueue, type FinalTiming } from "./final-queue";
import type { TimedWord, TokenFields } from "./token-builder";

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
  private nextWord = 0;
  /** The first word this connection hears; the file's words before it were another session's. */
  private firstWord = 0;
  private readonly queue: FinalQueue;

  constructor(
    private readonly words: readonly FileWord[],
    config: TokenFields & FinalTiming,
  ) {
    this.queue = new FinalQueue(config);
  }

  /** Received audio time so far (ms). */
  get audioMs(): number {
    return this.streamMs;
  }

  get located(): boolean {
    return this.startMs !== null;
  }

  get hasFinalOutput(): boolean {
    return this.queue.hasOutput;
  }

  /** Places the connection on the file's timeline; words before that point were someone else's. */
  locate(fileMs: number): void {
    this.startMs = fileMs;
    while (this.nextWord < this.words.length && mid(this.words[this.nextWord]) < fileMs) this.nextWord++;
    this.firstWord = this.nextWord;
  }

  advance(ms: number): void {
    this.streamMs += ms;
    if (this.startMs === null) return;
    while (this.nextWord < this.words.length && this.local(this.nextWord).endMs <= this.streamMs) {
      this.queue.add(this.local(this.nextWord++));
    }
    const next = this.nextWord < this.words.length ? this.local(this.nextWord).startMs : Infinity;
    this.queue.advance(this.streamMs, next);
  }

  /** Everything heard before `uptoMs` (default: all) turns final, a word heard in part included (as Soniox's finalize does). */
  finalizeAll(marker: typeof END_TOKEN | typeof FIN_TOKEN | null, uptoMs: number | null = null): void {
    const upto = Math.min(uptoMs ?? Infinity, this.streamMs);
    if (this.startMs !== null && this.nextWord < this.words.length && this.local(this.nextWord).startMs < upto) {
      this.queue.add(this.local(this.nextWord++));
    }
    this.queue.finalizeBefore(uptoMs, marker, this.streamMs);
  }

  takeResult(): SonioxResult {
    return {
      tokens: this.queue.take(),
      final_audio_proc_ms: Math.floor(this.queue.finalMs),
      total_audio_proc_ms: Math.floor(this.streamMs),
    };
  }

  /** The file's word `index` on this connection's own timeline. */
  private local(index: number): TimedWord {
    const w = this.words[index];
    const start = this.startMs ?? 0;
    return {
      index,
      first: index === this.firstWord,
      word: { text: w.text, speaker: "1", language: "en" },
      startMs: Math.max(0, w.startMs - start),
      endMs: Math.max(0, w.endMs - start),
    };
  }
}

function mid(w: FileWord): number {
  return (w.startMs + w.endMs) / 2;
}
