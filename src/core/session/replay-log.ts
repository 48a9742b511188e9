import { BlockPool, replayBlocks } from "./block-pool";

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

/**
 * The bytes are copied into blocks taken from a pool shared by all streams (see block-pool.ts), so
 * recording allocates nothing per chunk, memory follows the unconfirmed audio block by block, and
 * the caller's buffers are not kept alive past the send. The live bytes are a contiguous run of
 * "log positions" (stream positions with the gaps left out) over the blocks; chunk boundaries are
 * kept in number arrays.
 */
export class ReplayLog {
  private readonly blocks: Uint8Array[] = [];
  /** Log position of blocks[0]'s first byte; the live bytes are log positions [first, last). */
  private blockBase = 0;
  private first = 0;
  private last = 0;
  /** Per chunk, in parallel: stream position and length. Entries before `head` are forgotten. */
  private offsets: number[] = [];
  private lengths: number[] = [];
  private head = 0;
  /** Everything before this stream position is gone (released as final, or pushed out by the bound). */
  private base = 0;
  /** Unconfirmed audio forgotten because the log hit its bound (the caller reports what that cost). */
  droppedBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly pool: BlockPool = replayBlocks,
  ) {}

  /** The first stream position the log can still give back. */
  get start(): number {
    return this.base;
  }

  /** Unconfirmed bytes the log holds. */
  get heldBytes(): number {
    return this.last - this.first;
  }

  /** Memory the log's blocks take, held bytes included. */
  get retainedBytes(): number {
    return this.blocks.length * this.pool.blockBytes;
  }

  /**
   * Keeps (a copy of) a chunk. Positions only grow; a gap (audio dropped while paused) is allowed.
   * Returns the bytes the bound pushed out this time, so the caller can say what was lost.
   */
  record(data: Uint8Array, offset: number): number {
    if (data.length === 0) return 0;
    let dropped = 0;
    while (this.heldBytes + data.length > this.maxBytes && this.head < this.lengths.length) dropped += this.forget();
    this.append(data);
    this.offsets.push(offset);
    this.lengths.push(data.length);
    this.droppedBytes += dropped;
    this.giveBackPassedBlocks();
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
    this.giveBackPassedBlocks();
  }

  /** The stream is over: its blocks go back to the pool (recording again would take new ones). */
  clear(): void {
    while (this.head < this.lengths.length) this.forget();
    this.compactIndex();
    this.giveBackPassedBlocks();
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
      // A copy: the blocks are reused, and a replay may wait in a send queue for a while.
      out.push({ data: this.copyOut(at + a - offset, at + b - offset), offset: a });
    }
    return out;
  }

  private append(data: Uint8Array): void {
    const size = this.pool.blockBytes;
    let done = 0;
    while (done < data.length) {
      const into = this.last - this.blockBase;
      const index = Math.floor(into / size);
      if (index === this.blocks.length) this.blocks.push(this.pool.take());
      const within = into - index * size;
      const n = Math.min(data.length - done, size - within);
      this.blocks[index].set(data.subarray(done, done + n), within);
      done += n;
      this.last += n;
    }
  }

  private copyOut(from: number, to: number): Uint8Array {
    const size = this.pool.blockBytes;
    const out = new Uint8Array(to - from);
    let pos = from;
    while (pos < to) {
      const into = pos - this.blockBase;
      const index = Math.floor(into / size);
      const within = into - index * size;
      const n = Math.min(to - pos, size - within);
      out.set(this.blocks[index].subarray(within, within + n), pos - from);
      pos += n;
    }
    return out;
  }

  private forget(): number {
    const length = this.lengths[this.head];
    const offset = this.offsets[this.head];
    this.head++;
    this.first += length;
    this.base = Math.max(this.base, offset + length);
    return length;
  }

  /** Blocks wholly before the first live byte (all of them once nothing is held) go back to the pool. */
  private giveBackPassedBlocks(): void {
    const size = this.pool.blockBytes;
    if (this.first === this.last) {
      for (const block of this.blocks) this.pool.give(block);
      this.blocks.length = 0;
      this.blockBase = this.first = this.last = 0;
      return;
    }
    while (this.first - this.blockBase >= size) {
      this.pool.give(this.blocks.shift()!);
      this.blockBase += size;
    }
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
}
