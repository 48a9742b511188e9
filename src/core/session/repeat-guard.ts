import { isMarker, isTranslated, type SonioxToken } from "./protocol";

/**
 * What the guard remembers of one session's own tokens: a replacement's first tokens are the
 * replay of audio an earlier session already heard.
 */
export class SessionTokens {
  /** The session's last final word piece was a repeat ending here (stream time); null when it was delivered. */
  repeatedWordEndMs: number | null = null;
  /** Latest end and latest middle of the originals since the session's last translated token (-Infinity: none). */
  runEndMs = -Infinity;
  runMidMs = -Infinity;
  /** The session is in a run of translated tokens, delivered or not as `deliverRun` says. */
  inTranslation = false;
  deliverRun = true;
  /** No final spoken / translated token seen yet: the next one begins the session's text without a space. */
  firstWord = true;
  firstTranslation = true;
  /** The session's first word and translation as delivered in the response being filtered (for the seam's space). */
  leadWord: SonioxToken | null = null;
  leadTranslation: SonioxToken | null = null;
}

/**
 * Final tokens are delivered once, in timeline order. A replay after a reconnect starts at a
 * resumable point at or before what Soniox had finalized, so the new session may finalize a word
 * a second time; a token whose middle lies before the end of the last delivered final word is
 * that repeat. The middle, not the start, so a few ms of timing jitter between sessions neither
 * lets a repeat through nor drops a new word.
 *
 * Markers and translations have no times of their own, so they are judged by the words around
 * them: an `<end>` or `<fin>` right after a repeated word closes an utterance already closed when
 * one was delivered at or after that word; translated tokens are judged by the originals they
 * follow (Soniox sends a segment, then its translation), and a run whose originals were all
 * translated before is a repeat.
 */
export class RepeatGuard {
  private lastFinalEndMs = -Infinity;
  /** End of the last word delivered before the last delivered `<end>`/`<fin>`. */
  private closedThroughMs = -Infinity;
  /** Latest end of the originals whose translation was delivered. */
  private translatedThroughMs = -Infinity;
  private readonly solo = new SessionTokens();
  /** Final tokens dropped as repeats (stats). */
  droppedFinals = 0;

  /**
   * The tokens worth delivering; non-final repeats go too (they would show a repeated word). The
   * same array when nothing is a repeat (nearly always): it becomes msg.payload.tokens, and a copy
   * per response would only be garbage. `session` is the state of the session that sent them.
   */
  filter(tokens: SonioxToken[], session: SessionTokens = this.solo): SonioxToken[] {
    let kept: SonioxToken[] | null = null;
    let tailMidMs = -Infinity;
    // Only the first spoken and first translated token of a response can begin the session's text.
    let leadWord = session.firstWord;
    let leadTranslation = session.firstTranslation;
    session.leadWord = session.leadTranslation = null;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      let keep: boolean;
      if (isMarker(token)) keep = this.markerKept(session);
      else if (isTranslated(token)) {
        keep = this.translationKept(token, session, tailMidMs);
        if (keep && leadTranslation) session.leadTranslation = token;
        leadTranslation = false;
      } else {
        keep = this.wordKept(token, session);
        if (keep && leadWord) session.leadWord = token;
        leadWord = false;
        if (!token.is_final && token.start_ms !== undefined && token.end_ms !== undefined) tailMidMs = Math.max(tailMidMs, middle(token));
      }
      if (!keep) {
        if (token.is_final) this.droppedFinals++;
        kept ??= tokens.slice(0, i);
        continue;
      }
      kept?.push(token);
    }
    return kept ?? tokens;
  }

  private wordKept(token: SonioxToken, session: SessionTokens): boolean {
    if (token.is_final) session.firstWord = false;
    const timed = token.start_ms !== undefined && token.end_ms !== undefined;
    const repeat = timed && middle(token) < this.lastFinalEndMs;
    if (token.is_final && timed) {
      if (session.inTranslation) {
        session.inTranslation = false;
        session.runEndMs = session.runMidMs = -Infinity;
      }
      session.runEndMs = Math.max(session.runEndMs, token.end_ms!);
      session.runMidMs = Math.max(session.runMidMs, middle(token));
    }
    if (repeat) {
      if (token.is_final) session.repeatedWordEndMs = token.end_ms!;
      return false;
    }
    if (token.is_final) {
      session.repeatedWordEndMs = null;
      if (token.end_ms !== undefined) this.lastFinalEndMs = Math.max(this.lastFinalEndMs, token.end_ms);
    }
    return true;
  }

  private markerKept(session: SessionTokens): boolean {
    const after = session.repeatedWordEndMs;
    if (after !== null && after <= this.closedThroughMs) return false;
    this.closedThroughMs = Math.max(this.closedThroughMs, this.lastFinalEndMs, after ?? -Infinity);
    return true;
  }

  private translationKept(token: SonioxToken, session: SessionTokens, tailMidMs: number): boolean {
    let keep: boolean;
    if (token.is_final) {
      if (!session.inTranslation) {
        session.inTranslation = true;
        // Judged like a word: by the middle of its latest original, so timing jitter between sessions does not matter.
        session.deliverRun = session.runMidMs === -Infinity || session.runMidMs >= this.translatedThroughMs;
        if (session.deliverRun) this.translatedThroughMs = Math.max(this.translatedThroughMs, session.runEndMs);
      }
      keep = session.deliverRun;
    } else {
      // A provisional translation covers the originals since the last translated token and the provisional ones.
      const covers = Math.max(session.inTranslation ? -Infinity : session.runMidMs, tailMidMs);
      keep = covers === -Infinity || covers >= this.translatedThroughMs;
    }
    if (token.is_final) session.firstTranslation = false;
    return keep;
  }
}

function middle(token: SonioxToken): number {
  return (token.start_ms! + token.end_ms!) / 2;
}
