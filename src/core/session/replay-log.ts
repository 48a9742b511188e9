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
  private readonly chunks = new ChunkRing();
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
    while (this.heldBytes + data.length > this.maxBytes && this.chunks.count > 0) dropped += this.forget();
    this.append(data);
    this.chunks.push(offset, data.length);
    this.droppedBytes += dropped;
    this.giveBackPassedBlocks();
    return dropped;
  }

  /** Soniox finalized everything before stream position `offset`: that audio never needs sending again. */
  release(offset: number): void {
    while (this.chunks.count > 0 && this.chunks.offset(0) + this.chunks.length(0) <= offset) this.forget();
    this.base = Math.max(this.base, offset);
    this.chunks.fit();
    this.giveBackPassedBlocks();
  }

  /** The stream is over: its blocks go back to the pool (recording again would take new ones). */
  clear(): void {
    while (this.chunks.count > 0) this.forget();
    this.chunks.fit();
    this.giveBackPassedBlocks();
  }

  /** Copies of the logged bytes in stream positions [from, to), in order, gaps left out. */
  slice(from: number, to: number): LoggedChunk[] {
    const out: LoggedChunk[] = [];
    let pos = this.first;
    for (let i = 0; i < this.chunks.count; i++) {
      const offset = this.chunks.offset(i);
      const length = this.chunks.length(i);
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
      // A chunk that fits in one block is copied as it is: a view per chunk is garbage too.
      this.blocks[index].set(n === data.length ? data : data.subarray(done, done + n), within);
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
    const offset = this.chunks.offset(0);
    const length = this.chunks.length(0);
    this.chunks.shift();
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
}

/** Smallest ring, in chunks: a few seconds of audio in typical chunks, 1 KiB. */
const MIN_RING = 64;

/**
 * Stream position and length of each logged chunk, oldest first, in a ring of doubles that is
 * reused rather than reallocated per chunk (number arrays grown and compacted as chunks come and
 * go were tenured garbage); it doubles when full and halves back once mostly empty.
 */
class ChunkRing {
  private ring = new Float64Array(2 * MIN_RING);
  private first = 0;
  count = 0;

  private get capacity(): number {
    return this.ring.length / 2;
  }

  private slot(i: number): number {
    return 2 * ((this.first + i) % this.capacity);
  }

  offset(i: number): number {
    return this.ring[this.slot(i)];
  }

  length(i: number): number {
    return this.ring[this.slot(i) + 1];
  }

  push(offset: number, length: number): void {
    if (this.count === this.capacity) this.resize(this.capacity * 2);
    const at = this.slot(this.count);
    this.ring[at] = offset;
    this.ring[at + 1] = length;
    this.count++;
  }

  shift(): void {
    this.first = (this.first + 1) % this.capacity;
    this.count--;
  }

  /** Gives back what a long wait for Soniox made the ring grow to. */
  fit(): void {
    if (this.capacity > MIN_RING && this.count * 8 < this.capacity) this.resize(Math.max(MIN_RING, this.capacity / 4));
  }

  private resize(capacity: number): void {
    const next = new Float64Array(2 * capacity);
    for (let i = 0; i < this.count; i++) {
      next[2 * i] = this.offset(i);
      next[2 * i + 1] = this.length(i);
    }
    this.ring = next;
    this.first = 0;
  }
}
