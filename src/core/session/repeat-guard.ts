import { END_TOKEN, FIN_TOKEN, type SonioxToken } from "./protocol";

/**
 * Final tokens are delivered once, in timeline order. A replay after a reconnect starts at a
 * resumable point at or before what Soniox had finalized, so the new session may finalize a word
 * a second time; a token whose middle lies before the end of the last delivered final word is
 * that repeat. The middle, not the start, so a few ms of timing jitter between sessions neither
 * lets a repeat through nor drops a new word.
 */
export class RepeatGuard {
  private lastFinalEndMs = -Infinity;
  /** Final tokens dropped as repeats (stats). */
  droppedFinals = 0;

  /**
   * The tokens worth delivering; non-final repeats go too (they would show a repeated word). The
   * same array when nothing is a repeat (nearly always): it becomes msg.payload.tokens, and a copy
   * per response would only be garbage.
   */
  filter(tokens: SonioxToken[]): SonioxToken[] {
    let kept: SonioxToken[] | null = null;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (this.isRepeat(token)) {
        if (token.is_final) this.droppedFinals++;
        kept ??= tokens.slice(0, i);
        continue;
      }
      kept?.push(token);
      this.noteDelivered(token);
    }
    return kept ?? tokens;
  }

  private noteDelivered(token: SonioxToken): void {
    if (token.is_final && token.end_ms !== undefined && !isMarker(token)) {
      this.lastFinalEndMs = Math.max(this.lastFinalEndMs, token.end_ms);
    }
  }

  private isRepeat(token: SonioxToken): boolean {
    if (isMarker(token) || token.start_ms === undefined || token.end_ms === undefined) return false;
    return (token.start_ms + token.end_ms) / 2 < this.lastFinalEndMs;
  }
}

function isMarker(token: SonioxToken): boolean {
  return token.text === END_TOKEN || token.text === FIN_TOKEN;
}
