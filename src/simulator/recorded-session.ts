/**
 * Plays a recorded real session back instead of recognising (tests that feed the client what the
 * real service sent): one recorded response per `responseEveryMs` of received audio, in order,
 * then the newest non-final tail again. At end of stream the responses not played yet follow at
 * once, then the tail turns final, as an end of stream finalizes everything.
 *
 * Recordings carry no audio-time fields (soniox-compare dropped them), so `total_audio_proc_ms`
 * is the audio received and `final_audio_proc_ms` the end of the newest timed final token, never
 * past the audio received.
 */
import type { SonioxResult, SonioxToken } from "../core/session";

export class RecordedSession {
  private next = 0;
  private streamMs = 0;
  private finalMs = 0;
  private tail: SonioxToken[] = [];
  private readonly outbox: SonioxToken[] = [];

  constructor(private readonly responses: readonly (readonly SonioxToken[])[]) {}

  get audioMs(): number {
    return this.streamMs;
  }

  get hasFinalOutput(): boolean {
    return this.outbox.length > 0;
  }

  advance(ms: number): void {
    this.streamMs += ms;
  }

  /** The current non-final tail turns final (the recording goes on as recorded). */
  finalizeAll(marker: string | null): void {
    for (const token of this.tail) this.outbox.push({ ...token, is_final: true });
    this.tail = [];
    if (marker !== null) this.outbox.push({ text: marker, is_final: true });
    this.finalMs = this.streamMs;
  }

  /** The responses not played yet, each as it was recorded (end of stream). */
  rest(): SonioxResult[] {
    const out: SonioxResult[] = [];
    while (this.next < this.responses.length) out.push(this.play());
    return out;
  }

  takeResult(): SonioxResult {
    if (this.outbox.length > 0) return this.result(this.outbox.splice(0));
    if (this.next < this.responses.length) return this.play();
    return this.result(this.tail.map((t) => ({ ...t })));
  }

  private play(): SonioxResult {
    const tokens = this.responses[this.next++].map((t) => ({ ...t }));
    this.tail = tokens.filter((t) => !t.is_final);
    for (const t of tokens) {
      if (t.is_final && typeof t.end_ms === "number") this.finalMs = Math.max(this.finalMs, Math.min(t.end_ms, this.streamMs));
    }
    return this.result(tokens);
  }

  private result(tokens: SonioxToken[]): SonioxResult {
    return { tokens, final_audio_proc_ms: Math.floor(this.finalMs), total_audio_proc_ms: Math.floor(this.streamMs) };
  }
}
