/**
 * Words heard but not yet final, and the way their finals leave, as in the recorded session
 * (soniox-real-frames README §3): in batches every `finalBatchMs` of audio, each batch turning
 * final the sub-word pieces that ended `finalLagMs` before it. So a batch can end inside a word
 * (`" gre"` final, `"at"` only in the next batch), and `final_audio_proc_ms` can point inside it.
 * Each final piece goes out once, followed by the translations of the words it completed.
 */
import type { SonioxToken } from "../core/session";
import type { ScriptWord } from "./script";
import { translationToken, wordTokens, type TimedWord, type TokenFields } from "./token-builder";

export interface FinalTiming {
  finalLagMs: number;
  /** Audio (ms) between final batches; 0 releases every piece as soon as it is due. */
  finalBatchMs: number;
}

interface PendingWord {
  word: ScriptWord;
  startMs: number;
  pieces: SonioxToken[];
  finalPieces: number;
}

export class FinalQueue {
  private readonly pending: PendingWord[] = [];
  private readonly outbox: SonioxToken[] = [];
  private nextBatchMs: number;
  private translatedWords = 0;
  /** `final_audio_proc_ms`: audio before it is final. */
  finalMs = 0;

  constructor(private readonly config: TokenFields & FinalTiming) {
    this.nextBatchMs = config.finalBatchMs;
  }

  /** True when finals or markers wait to be sent. */
  get hasOutput(): boolean {
    return this.outbox.length > 0;
  }

  add(w: TimedWord): void {
    this.pending.push({ word: w.word, startMs: w.startMs, pieces: wordTokens(w, true, this.config), finalPieces: 0 });
  }

  /**
   * Audio reached `streamMs`; `openFromMs` is where audio not queued here begins (a word still
   * being heard, or the next word). At a batch boundary, pieces that ended `finalLagMs` ago turn final.
   */
  advance(streamMs: number, openFromMs: number): void {
    const { finalBatchMs, finalLagMs } = this.config;
    if (streamMs < this.nextBatchMs) return;
    if (finalBatchMs > 0) this.nextBatchMs = (Math.floor(streamMs / finalBatchMs) + 1) * finalBatchMs;
    const cut = streamMs - finalLagMs;
    this.release((piece) => (piece.end_ms ?? 0) <= cut);
    this.finalMs = Math.max(this.finalMs, Math.min(cut, this.firstOpenMs(openFromMs)));
  }

  /**
   * Every queued word that began before `uptoMs` (null: every word) turns final now (finalize,
   * endpoint, end of stream), then `marker`; words heard after that point stay non-final.
   */
  finalizeBefore(uptoMs: number | null, marker: string | null, streamMs: number): void {
    this.release((_, word) => uptoMs === null || word.startMs < uptoMs);
    if (marker !== null) this.outbox.push({ text: marker, is_final: true });
    this.finalMs = Math.max(this.finalMs, Math.min(uptoMs ?? streamMs, this.firstOpenMs(streamMs)));
  }

  /** New finals first (each once), then the whole non-final tail, which every response re-sends. */
  take(): SonioxToken[] {
    const tokens = this.outbox.splice(0);
    for (const p of this.pending) {
      for (const piece of p.pieces.slice(p.finalPieces)) tokens.push({ ...piece, is_final: false });
    }
    return tokens;
  }

  private firstOpenMs(openFromMs: number): number {
    const first = this.pending[0];
    return first ? (first.pieces[first.finalPieces].start_ms ?? openFromMs) : openFromMs;
  }

  private release(due: (piece: SonioxToken, word: PendingWord) => boolean): void {
    const completed: ScriptWord[] = [];
    while (this.pending.length > 0) {
      const p = this.pending[0];
      while (p.finalPieces < p.pieces.length && due(p.pieces[p.finalPieces], p)) this.outbox.push(p.pieces[p.finalPieces++]);
      if (p.finalPieces < p.pieces.length) break;
      completed.push(p.word);
      this.pending.shift();
    }
    const translation = this.config.translation;
    if (!translation) return;
    for (const word of completed) {
      const token = translationToken(word, translation, this.translatedWords === 0, this.config);
      if (token) {
        this.outbox.push(token);
        this.translatedWords++;
      }
    }
  }
}
