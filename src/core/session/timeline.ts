import type { AudioMeter, ResumePoint } from "../audio";
import { isMarker, isTranslated, type SonioxResult } from "./protocol";

/** How far past a position the forward search for a resume point looks, in steps of its time. */
const FORWARD_STEPS = 64;
const FORWARD_STEP_MS = 250;

/**
 * How long after its end the last final word still pins the resume point to its start while no
 * `<end>` or `<fin>` has closed its utterance. Soniox's endpoint delay is at most 3 s; past this an
 * endpoint is not coming (detection off), and holding on would only keep audio for nothing.
 */
const OPEN_WORD_HOLD_MS = 5000;

const LEADING_SPACE = /^\s/u;

/** A stretch of the stream's time that no session heard (audio dropped while paused). */
interface Stretch {
  fromMs: number;
  toMs: number;
}

/**
 * The stream's one timeline and how every session's audio time maps onto it.
 *
 * Stream time is the time of the audio as the user sent it, read from the stream's meter at byte
 * positions (exact for raw audio, WAV and the containers with clocks). A session's own time counts
 * only the audio it heard: it begins where its audio began on the stream (its replay offset) and
 * leaves out every stretch the stream dropped while paused. So Soniox's timestamps, its
 * `final_audio_proc_ms`, the replay plan, the repeat guard and the restart marker all meet here in
 * one time, and a pause followed by a reconnect neither repeats words nor moves them.
 *
 * It also knows how far back a replacement may have to start: what Soniox finalized, but never
 * inside the last final word while its utterance is open (a word Soniox finalized in part, " gre"
 * before "at"), so the replacement hears that word whole and closes the utterance itself.
 */
export class StreamTimeline {
  private readonly drops: Stretch[] = [];
  /** Stream time where each live session's audio begins, by session number. */
  private readonly starts = new Map<number, number>();
  /** Sessions that sent a final spoken token: their later tokens begin a word only with a leading space. */
  private readonly spoke = new Set<number>();
  private confirmed = 0;
  /** The last final word (start and end) while its utterance has no end yet; start NaN once one came. */
  private openFromMs = NaN;
  private openToMs = NaN;
  /** Time of the resume point audio was released before: a limit never goes back past it. */
  private released = 0;
  /** The resume limit may have moved since the last release. */
  private moved = false;

  constructor(private readonly meter: AudioMeter) {}

  msAt(offset: number): number {
    return this.meter.msAt(offset);
  }

  /** The header a replacement needs before mid-stream audio; null when the format has none. */
  header(): Uint8Array | null {
    const header = this.meter.header();
    return header.length > 0 ? header : null;
  }

  /** The latest point at or before `ms` where a new session can start decoding. */
  resumeAtOrBefore(ms: number): ResumePoint | null {
    return this.meter.resumeAtOrBefore(ms);
  }

  /**
   * The earliest resume point at or after `offset` (when the audio before it is gone), found by
   * walking forward in time; null when none is known within the search.
   */
  resumeAtOrAfter(offset: number): ResumePoint | null {
    const startMs = this.msAt(offset);
    for (let step = 0; step <= FORWARD_STEPS; step++) {
      const point = this.meter.resumeAtOrBefore(startMs + step * FORWARD_STEP_MS);
      if (point && point.offset >= offset) return point;
    }
    return null;
  }

  /** Stream bytes [from, to) reach no session (dropped while paused). */
  drop(from: number, to: number): void {
    const fromMs = this.msAt(from);
    const toMs = this.msAt(to);
    if (toMs <= fromMs) return;
    const last = this.drops[this.drops.length - 1];
    if (last && fromMs <= last.toMs) last.toMs = Math.max(last.toMs, toMs);
    else this.drops.push({ fromMs, toMs });
  }

  /** Session `session`'s audio begins at `startMs` on the stream's timeline. */
  begin(session: number, startMs: number): void {
    this.starts.set(session, startMs);
  }

  /** Where a session's audio begins on the stream's timeline; null before it got any. */
  startOf(session: number): number | null {
    return this.starts.get(session) ?? null;
  }

  /**
   * The session is over: its start is no longer asked about, nor stretches before every live
   * start and before the released audio (no later session can start earlier than that).
   */
  end(session: number): void {
    this.starts.delete(session);
    this.spoke.delete(session);
    const earliest = Math.min(this.released, ...this.starts.values());
    while (this.drops.length > 0 && this.drops[0].toMs <= earliest) this.drops.shift();
  }

  /** The stream time of `ms` in a session's own time: its start plus `ms` of audio it heard. */
  toStream(session: number, ms: number): number {
    let at = this.starts.get(session) ?? 0;
    if (this.drops.length === 0) return at + ms;
    let left = ms;
    for (const s of this.drops) {
      if (s.toMs <= at) continue;
      const from = Math.max(s.fromMs, at);
      // A time at the edge of a stretch is read as its start: the earlier reading replays more, never less.
      if (at + left <= from) break;
      left -= from - at;
      at = s.toMs;
    }
    return at + left;
  }

  /** Audio a session hears between two stream times (dropped stretches left out). */
  heardMs(fromMs: number, toMs: number): number {
    let heard = Math.max(0, toMs - fromMs);
    for (const s of this.drops) heard -= Math.max(0, Math.min(s.toMs, toMs) - Math.max(s.fromMs, fromMs));
    return heard;
  }

  /** What Soniox has finalized, on the stream's timeline. */
  get confirmedMs(): number {
    return this.confirmed;
  }

  /** The latest stream time a replacement may start at: see the class comment. */
  get resumeLimitMs(): number {
    // NaN (no open word) fails the comparison.
    if (this.confirmed - this.openToMs < OPEN_WORD_HOLD_MS) return Math.max(this.released, Math.min(this.confirmed, this.openFromMs));
    return this.confirmed;
  }

  /** A final piece of a word, in stream time; `startsWord` when it begins one (leading space, or a session's first). */
  noteFinalWord(startMs: number, endMs: number, startsWord: boolean): void {
    if (startsWord || Number.isNaN(this.openFromMs)) {
      this.openFromMs = startMs;
      this.openToMs = endMs;
    } else this.openToMs = Math.max(this.openToMs, endMs);
    this.moved = true;
  }

  /** An `<end>` or `<fin>`: every word before it is complete. */
  noteUtteranceEnd(): void {
    this.openFromMs = this.openToMs = NaN;
    this.moved = true;
  }

  /**
   * Moves a session's result onto the stream's timeline (in place), notes where its words and
   * utterances end, and confirms what it finalized. Returns the resume point before which audio
   * will never be replayed (release it), or null when that did not move.
   */
  place(result: SonioxResult, session: number): ResumePoint | null {
    for (const token of result.tokens) {
      if (token.start_ms !== undefined) token.start_ms = this.toStream(session, token.start_ms);
      if (token.end_ms !== undefined) token.end_ms = this.toStream(session, token.end_ms);
      if (!token.is_final || isTranslated(token)) continue;
      if (isMarker(token)) {
        this.noteUtteranceEnd();
        continue;
      }
      if (token.start_ms !== undefined && token.end_ms !== undefined) {
        this.noteFinalWord(token.start_ms, token.end_ms, !this.spoke.has(session) || LEADING_SPACE.test(token.text));
      }
      this.spoke.add(session);
    }
    if (result.final_audio_proc_ms !== undefined) result.final_audio_proc_ms = this.toStream(session, result.final_audio_proc_ms);
    if (result.total_audio_proc_ms !== undefined) result.total_audio_proc_ms = this.toStream(session, result.total_audio_proc_ms);
    return this.confirm(result.final_audio_proc_ms ?? this.confirmed);
  }

  /**
   * Soniox finalized through `finalMs` (stream time). Returns the resume point before which audio
   * will never be replayed (release it), or null when that did not move.
   */
  confirm(finalMs: number): ResumePoint | null {
    if (finalMs > this.confirmed) {
      this.confirmed = finalMs;
      this.moved = true;
    }
    if (!this.moved) return null;
    this.moved = false;
    const point = this.meter.resumeAtOrBefore(this.resumeLimitMs);
    if (!point || point.ms < this.released) return null;
    this.released = point.ms;
    this.meter.release(point.offset);
    return point;
  }
}
