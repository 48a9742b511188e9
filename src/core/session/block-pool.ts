/**
 * Fixed-size byte blocks shared by every stream's replay log in the process. Unconfirmed audio
 * lives for a second or more, long enough for V8 to tenure whatever holds it; a buffer per stream
 * that grows and shrinks with each utterance therefore turned into old-generation garbage several
 * times a second at 200 streams, and only full mark-compact collections (10-15 ms pauses) could
 * free it. Blocks that go back to a free list and are taken again by any stream are never garbage.
 */
export const BLOCK_BYTES = 4 * 1024;

/** Free blocks kept however few are in use: enough for a handful of streams to start without allocating. */
const MIN_FREE = 64;

export class BlockPool {
  private readonly free: Uint8Array[] = [];
  private used = 0;

  constructor(readonly blockBytes = BLOCK_BYTES) {}

  take(): Uint8Array {
    this.used++;
    return this.free.pop() ?? new Uint8Array(this.blockBytes);
  }

  /**
   * Keeps the block for reuse while the free list is no larger than what is in use, so the pool
   * never holds more than twice the audio it serves (plus MIN_FREE); blocks beyond that become
   * garbage, which happens when many streams end at once and is then what should happen.
   */
  give(block: Uint8Array): void {
    this.used--;
    const keep = Math.max(MIN_FREE, this.used);
    if (this.free.length < keep) this.free.push(block);
    else if (this.free.length > keep) this.free.length = keep;
  }

  get blocksInUse(): number {
    return this.used;
  }

  get freeBlocks(): number {
    return this.free.length;
  }
}

export const replayBlocks = new BlockPool();
