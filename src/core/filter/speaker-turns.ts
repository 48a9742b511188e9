/**
 * Speaker turns: the final text one speaker said before another took over. Non-final tokens
 * are ignored because their speaker label can still be revised.
 */
import { isMarker, type SonioxToken } from "../session";

export interface SpeakerTurn {
  /** Speaker label of the turn; null when diarization is off (then the stream is one turn). */
  speaker: string | null;
  /** Speaker who takes over; null when the turn ended with the stream. */
  next_speaker: string | null;
  text: string;
  start_ms: number | null;
  end_ms: number | null;
  tokens: SonioxToken[];
}

/** A turn longer than this many tokens is emitted in parts so one talker cannot grow memory. */
export const MAX_TURN_TOKENS = 2000;

export class SpeakerTurnTracker {
  #speaker: string | null = null;
  #tokens: SonioxToken[] = [];

  /** Feed one response's kept tokens. Returns the turns completed by it, in order. */
  push(tokens: readonly SonioxToken[], finished: boolean): SpeakerTurn[] {
    const out: SpeakerTurn[] = [];
    for (const t of tokens) {
      if (!t.is_final || isMarker(t)) continue;
      const speaker = t.speaker ?? null;
      if (this.#tokens.length > 0 && speaker !== this.#speaker) this.#emit(speaker, out);
      if (this.#tokens.length >= MAX_TURN_TOKENS) this.#emit(speaker, out);
      this.#speaker = speaker;
      this.#tokens.push(t);
    }
    if (finished) {
      this.#emit(null, out);
      this.#speaker = null;
    }
    return out;
  }

  #emit(next: string | null, out: SpeakerTurn[]): void {
    const tokens = this.#tokens;
    this.#tokens = [];
    const text = tokens.map((t) => t.text).join("").trim();
    if (text === "") return;
    const starts = tokens.map((t) => t.start_ms).filter((v): v is number => typeof v === "number");
    const ends = tokens.map((t) => t.end_ms).filter((v): v is number => typeof v === "number");
    out.push({
      speaker: this.#speaker,
      next_speaker: next,
      text,
      start_ms: starts.length > 0 ? Math.min(...starts) : null,
      end_ms: ends.length > 0 ? Math.max(...ends) : null,
      tokens,
    });
  }
}
