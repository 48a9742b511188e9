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

/** How long a peak of blocks in use keeps its blocks in the pool. */
export const PEAK_WINDOW_MS = 30_000;

export class BlockPool {
  private readonly free: Uint8Array[] = [];
  private used = 0;
  /** Most blocks in use during the current window, and during the one before it. */
  private peak = 0;
  private previousPeak = 0;
  private windowStart: number;

  constructor(
    readonly blockBytes = BLOCK_BYTES,
    private readonly now: () => number = Date.now,
  ) {
    this.windowStart = now();
  }

  take(): Uint8Array {
    this.used++;
    if (this.used > this.peak) this.peak = this.used;
    return this.free.pop() ?? new Uint8Array(this.blockBytes);
  }

  /**
   * Keeps the block while the pool holds no more than the most blocks in use during the last
   * 30-60 s (at least MIN_FREE free). Streams that hear the same kind of audio confirm it at about
   * the same moments, so the blocks in use rise and fall together; keeping only as many free as
   * were still in use threw a thousand blocks away at each such fall at 200 streams and made them
   * again a second later, which kept V8 collecting the old generation. Once no block is in use,
   * or the peak has passed, the surplus becomes garbage, as it should.
   */
  give(block: Uint8Array): void {
    this.used--;
    this.roll();
    const keep = this.used === 0 ? MIN_FREE : Math.max(MIN_FREE, Math.max(this.peak, this.previousPeak) - this.used);
    if (this.free.length < keep) this.free.push(block);
    else if (this.free.length > keep) this.free.length = keep;
  }

  get blocksInUse(): number {
    return this.used;
  }

  get freeBlocks(): number {
    return this.free.length;
  }

  private roll(): void {
    const t = this.now();
    if (t - this.windowStart < PEAK_WINDOW_MS) return;
    // A window with no activity at all leaves no peak to remember.
    this.previousPeak = t - this.windowStart < 2 * PEAK_WINDOW_MS ? this.peak : this.used;
    this.peak = this.used;
    this.windowStart = t;
  }
}

export const replayBlocks = new BlockPool();
