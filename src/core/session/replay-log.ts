/**
 * Audio of one stream that Soniox has not made final yet, by byte position in the stream as the
 * user sent it. If a session dies, a replacement must hear this audio again: audio past
 * `final_audio_proc_ms` only ever produced non-final tokens, which a dead session never finalizes.
 * Positions are the stream's, not a session's, so a replay can start at any resumable point no
 * matter how many sessions came before.
 */
export interface LoggedChunk {
  data: Uint8Array;
  /** Byte position of the chunk's first byte in the stream. */
  offset: number;
}

const FORGOTTEN: LoggedChunk = { data: new Uint8Array(0), offset: 0 };

export class ReplayLog {
  private chunks: LoggedChunk[] = [];
  private head = 0;
  private bytes = 0;
  /** Everything before this stream position is gone (released as final, or pushed out by the bound). */
  private base = 0;
  /** Unconfirmed audio forgotten because the log hit its bound (the caller reports what that cost). */
  droppedBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The first stream position the log can still give back. */
  get start(): number {
    return this.base;
  }

  /**
   * Keeps a chunk. Positions only grow; a gap (audio dropped while paused) is allowed. Returns the
   * bytes the bound pushed out this time, so the caller can say what was lost.
   */
  record(data: Uint8Array, offset: number): number {
    if (data.length === 0) return 0;
    this.chunks.push({ data, offset });
    this.bytes += data.length;
    let dropped = 0;
    while (this.bytes > this.maxBytes && this.head < this.chunks.length - 1) dropped += this.forget();
    this.droppedBytes += dropped;
    return dropped;
  }

  /** Soniox finalized everything before stream position `offset`: that audio never needs sending again. */
  release(offset: number): void {
    while (this.head < this.chunks.length) {
      const c = this.chunks[this.head];
      if (c.offset + c.data.length > offset) break;
      this.forget();
    }
    this.base = Math.max(this.base, offset);
    if (this.head > 256 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** The logged bytes in stream positions [from, to), in order, gaps left out. */
  slice(from: number, to: number): LoggedChunk[] {
    const out: LoggedChunk[] = [];
    for (let i = this.head; i < this.chunks.length; i++) {
      const c = this.chunks[i];
      const end = c.offset + c.data.length;
      if (end <= from) continue;
      if (c.offset >= to) break;
      const a = Math.max(from, c.offset);
      const b = Math.min(to, end);
      out.push({ data: c.data.subarray(a - c.offset, b - c.offset), offset: a });
    }
    return out;
  }

  private forget(): number {
    const c = this.chunks[this.head];
    // Drop the audio now rather than at the next compaction: at one chunk per 120 ms a stream
    // would otherwise keep up to 256 chunks (about 30 s of audio) it will never replay.
    this.chunks[this.head++] = FORGOTTEN;
    this.bytes -= c.data.length;
    this.base = Math.max(this.base, c.offset + c.data.length);
    return c.data.length;
  }
}
