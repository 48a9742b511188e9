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

/** Smallest buffer the log allocates; it grows (doubling) only when unconfirmed audio outgrows it. */
const INITIAL_BYTES = 16 * 1024;

/**
 * The bytes are copied into one buffer the log owns and reuses (compacted in place, grown or
 * shrunk only when the unconfirmed audio outgrows or no longer needs it), with the chunk
 * boundaries in number arrays. Recording a chunk allocates nothing per chunk, and the caller's
 * buffers are not kept alive past the send: kept for about a second each until Soniox finalized
 * them, they outlived the young GC generation and every one of them was promoted.
 */
export class ReplayLog {
  private buf = new Uint8Array(0);
  /** The live bytes are buf[first, last). */
  private first = 0;
  private last = 0;
  /** Per chunk, in parallel: stream position and length. Entries before `head` are forgotten. */
  private offsets: number[] = [];
  private lengths: number[] = [];
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

  /** Unconfirmed bytes the log holds. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Memory the log's buffer takes, held bytes included. */
  get retainedBytes(): number {
    return this.buf.length;
  }

  /**
   * Keeps (a copy of) a chunk. Positions only grow; a gap (audio dropped while paused) is allowed.
   * Returns the bytes the bound pushed out this time, so the caller can say what was lost.
   */
  record(data: Uint8Array, offset: number): number {
    if (data.length === 0) return 0;
    let dropped = 0;
    // Forget what the bound pushes out before copying, so the buffer never needs more than the bound.
    while (this.bytes + data.length > this.maxBytes && this.head < this.lengths.length) dropped += this.forget();
    this.reserve(data.length);
    this.buf.set(data, this.last);
    this.last += data.length;
    this.offsets.push(offset);
    this.lengths.push(data.length);
    this.bytes += data.length;
    this.droppedBytes += dropped;
    return dropped;
  }

  /** Soniox finalized everything before stream position `offset`: that audio never needs sending again. */
  release(offset: number): void {
    while (this.head < this.lengths.length) {
      if (this.offsets[this.head] + this.lengths[this.head] > offset) break;
      this.forget();
    }
    this.base = Math.max(this.base, offset);
    this.compactIndex();
    // Give back memory a long wait for Soniox made the buffer grow to.
    if (this.buf.length > INITIAL_BYTES && this.buf.length > this.sizeFor(this.bytes) * 4) this.refit(this.bytes);
  }

  /** Copies of the logged bytes in stream positions [from, to), in order, gaps left out. */
  slice(from: number, to: number): LoggedChunk[] {
    const out: LoggedChunk[] = [];
    let pos = this.first;
    for (let i = this.head; i < this.lengths.length; i++) {
      const offset = this.offsets[i];
      const length = this.lengths[i];
      const end = offset + length;
      const at = pos;
      pos += length;
      if (end <= from) continue;
      if (offset >= to) break;
      const a = Math.max(from, offset);
      const b = Math.min(to, end);
      // A copy: the log's buffer is reused, and a replay may wait in a send queue for a while.
      out.push({ data: this.buf.slice(at + a - offset, at + b - offset), offset: a });
    }
    return out;
  }

  private forget(): number {
    const length = this.lengths[this.head];
    const offset = this.offsets[this.head];
    this.head++;
    this.first += length;
    this.bytes -= length;
    if (this.bytes === 0) this.first = this.last = 0;
    this.base = Math.max(this.base, offset + length);
    return length;
  }

  /** Drops forgotten entries from the number arrays now and then (they hold no audio). */
  private compactIndex(): void {
    if (this.head === this.lengths.length) {
      this.offsets.length = 0;
      this.lengths.length = 0;
      this.head = 0;
    } else if (this.head > 256 && this.head * 2 > this.lengths.length) {
      this.offsets.splice(0, this.head);
      this.lengths.splice(0, this.head);
      this.head = 0;
    }
  }

  /**
   * Room for `length` more bytes at `last`. The live bytes move to the front when the buffer has
   * enough slack (so each byte is moved a bounded number of times), else the buffer is reallocated
   * with that slack; a buffer grown during a long wait for Soniox shrinks back the same way.
   */
  private reserve(length: number): void {
    if (this.last + length <= this.buf.length) return;
    this.compactIndex();
    this.refit(this.last - this.first + length);
  }

  /** Buffer size for `need` bytes: room to append as much again, at most half the bound more. */
  private sizeFor(need: number): number {
    return Math.max(INITIAL_BYTES, need + Math.min(need, Math.ceil(this.maxBytes / 2)));
  }

  private refit(need: number): void {
    const live = this.last - this.first;
    const size = this.sizeFor(need);
    if (size <= this.buf.length && this.buf.length <= size * 4) {
      this.buf.copyWithin(0, this.first, this.last);
    } else {
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(this.first, this.last));
      this.buf = next;
    }
    this.first = 0;
    this.last = live;
  }
}
