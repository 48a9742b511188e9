import type { ResumePoint } from "../audio";
import { END_OF_STREAM_FRAME } from "./protocol";
import type { LoggedChunk } from "./replay-log";
import type { SonioxSession } from "./session";
import type { Handover } from "./session-types";
import type { StreamTimeline } from "./timeline";

/** Where a replacement session starts, what it replays, and what (if anything) no session will hear. */
export interface ReplayPlan {
  /** Stream position the replay starts at; null when nothing was sent (no replay, no header). */
  from: number | null;
  /** Unsent audio before this stream position is covered by the replay. */
  resumeFrom: number;
  /** Where the new session's audio starts on the stream's timeline. */
  offsetMs: number;
  replay: LoggedChunk[];
  /** Audio time of the replay (what the new session hears of it), for the pacer. */
  replayMs: number;
  /** Audio after what Soniox finalized that no session will hear. */
  skippedMs: number;
  why: string;
  /** The catalogue key of the warning that names why, or null when why is empty. */
  whyKey: string | null;
}

/** What the plan reads of the replay log. */
export interface ReplaySource {
  readonly start: number;
  slice(from: number, to: number): LoggedChunk[];
}

/**
 * The replay after a session failed: from the resume point at or before the timeline's resume
 * limit (what Soniox finalized, never inside an open word), or, when the replay log no longer
 * holds that audio, the first resume point it does hold. `received` is the stream position of the
 * next byte the user sends.
 */
export function planReplay(handover: Handover, timeline: StreamTimeline | null, log: ReplaySource, received: number): ReplayPlan {
  const firstUnsent = handover.unsent.find((i) => i.kind === "audio" && i.at !== null);
  const end = firstUnsent?.kind === "audio" && firstUnsent.at !== null ? firstUnsent.at : handover.sentThrough;
  if (end === null || !timeline) {
    // Nothing was sent: the unsent audio, in full, is the whole replay.
    const at = firstUnsent?.kind === "audio" ? firstUnsent.at ?? 0 : received;
    return { from: null, resumeFrom: 0, offsetMs: timeline?.msAt(at) ?? 0, replay: [], replayMs: 0, skippedMs: 0, why: "", whyKey: null };
  }
  let point: ResumePoint | null = timeline.resumeAtOrBefore(timeline.resumeLimitMs);
  let why = "";
  let whyKey: string | null = null;
  if (point && point.offset > end) point = { offset: end, ms: timeline.msAt(end) };
  if (!point || point.offset < log.start) {
    why = point ? "the replay bound had already let that audio go" : "no point to resume the audio was found before it";
    whyKey = point ? "session.skipped-replay-bound" : "session.skipped-no-resume-point";
    point = timeline.resumeAtOrAfter(Math.max(log.start, point?.offset ?? 0)) ?? { offset: end, ms: timeline.msAt(end) };
  }
  return {
    from: point.offset,
    resumeFrom: Math.max(end, point.offset),
    offsetMs: point.ms,
    replay: log.slice(point.offset, end),
    replayMs: timeline.heardMs(point.ms, timeline.msAt(end)),
    skippedMs: timeline.heardMs(timeline.confirmedMs, point.ms),
    why,
    whyKey,
  };
}

/** What a rotation's new session gets: the header, then the old one's last audio from a resume point. */
export interface RotationPlan {
  header: Uint8Array | null;
  replay: LoggedChunk[];
  /** Where the new session's audio starts on the stream's timeline. */
  offsetMs: number;
  /** The new session's audio starts now (false: with the next audio it is given). */
  begins: boolean;
}

/**
 * A rotation's new session starts at the resume point at or before the end of what the old one
 * was sent (`sentThrough`), so a container decodes from its first byte; the few words both hear
 * are delivered once.
 */
export function planRotation(sentThrough: number | null, timeline: StreamTimeline | null, log: ReplaySource, received: number): RotationPlan {
  if (sentThrough === null || !timeline) return { header: null, replay: [], offsetMs: timeline?.msAt(received) ?? 0, begins: false };
  const point = timeline.resumeAtOrBefore(timeline.msAt(sentThrough)) ?? { offset: sentThrough, ms: timeline.msAt(sentThrough) };
  return { header: point.offset > 0 ? timeline.header() : null, replay: log.slice(point.offset, sentThrough), offsetMs: point.ms, begins: true };
}

/**
 * Gives a replacement what the failed session had: the header (before mid-stream audio), the
 * replay, a finalize the failed session sent that Soniox never answered, then what never went
 * out, in order; then its pause and its end when the stream is paused or ending.
 */
export function handOver(next: SonioxSession, from: { handover: Handover; plan: ReplayPlan; header: Uint8Array | null; ending: boolean }): void {
  const { handover, plan, header } = from;
  next.backdate(plan.replayMs);
  if (header && plan.from !== null && plan.from > 0) next.sendAudio(header, null);
  for (const c of plan.replay) next.sendAudio(c.data, c.offset);
  // A paused replacement finalizes when it pauses, if it has audio to finalize.
  if (handover.unansweredFinalizes > 0 && !(handover.paused && next.queuedBytes > 0)) next.finalize();
  for (const item of handover.unsent) {
    if (item.kind === "audio") {
      const trimmed = trimBefore(item.data, item.at, plan.resumeFrom);
      if (trimmed) next.sendAudio(trimmed.data, trimmed.at);
    } else if (item.text === END_OF_STREAM_FRAME) next.end();
    else next.sendText(item.text);
  }
  // A pause that came before the stop already went over as its finalize; once the end of stream
  // is queued there is nothing left to pause (and a finishing session refuses it).
  if (handover.paused && next.state !== "finishing") next.pause();
  if (from.ending && next.state !== "finishing") next.end();
}

/** The part of a queued audio item at or after stream position `from` (null if none). */
function trimBefore(data: Uint8Array, at: number | null, from: number): { data: Uint8Array; at: number } | null {
  if (at === null) return null;
  if (at >= from) return { data, at };
  if (at + data.length <= from) return null;
  return { data: data.subarray(from - at), at: from };
}
