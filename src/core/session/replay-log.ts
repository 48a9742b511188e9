/**
 * Audio already sent but not yet made final by Soniox. If the session dies, this is what a new
 * session must hear again: audio past `final_audio_proc_ms` only ever produced non-final tokens,
 * which a dead session will never finalize.
 */
export interface LoggedChunk {
  data: Uint8Array;
  /** Byte offset of the chunk in the session's stream. */
  offset: number;
  startMs: number;
  endMs: number;
}

const FORGOTTEN: LoggedChunk = { data: new Uint8Array(0), offset: 0, startMs: 0, endMs: 0 };

export class ReplayLog {
  private chunks: LoggedChunk[] = [];
  private head = 0;
  private bytes = 0;
  /** Unconfirmed audio forgotten because the log hit its bound. */
  droppedBytes = 0;

  constructor(private readonly maxBytes: number) {}

  record(data: Uint8Array, offset: number, startMs: number, ms: number): void {
    this.chunks.push({ data, offset, startMs, endMs: startMs + ms });
    this.bytes += data.length;
    while (this.bytes > this.maxBytes && this.head < this.chunks.length - 1) this.forget();
  }

  /** Soniox finalized everything before `finalMs`: that audio never needs sending again. */
  confirm(finalMs: number): void {
    while (this.head < this.chunks.length && this.chunks[this.head].endMs <= finalMs) this.forget(false);
    if (this.head > 256 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** The chunks holding audio from `fromMs` on; the first one may start before it. */
  from(fromMs: number): LoggedChunk[] {
    return this.chunks.slice(this.head).filter((c) => c.endMs > fromMs);
  }

  private forget(counted = true): void {
    const c = this.chunks[this.head];
    // Drop the audio now rather than at the next compaction: at one chunk per 120 ms a session
    // would otherwise keep up to 256 chunks (about 30 s of audio) it will never replay.
    this.chunks[this.head++] = FORGOTTEN;
    this.bytes -= c.data.length;
    if (counted) this.droppedBytes += c.data.length;
  }
}
