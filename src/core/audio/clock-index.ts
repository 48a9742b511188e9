import type { ResumePoint } from "./audio-meter";

/**
 * Byte offsets whose audio time a container states exactly (page ends, frame starts, block
 * timecodes), in stream order. Between two of them time is interpolated by bytes; past the last
 * one, the unit that starts there counts at the stream's average byte rate up to its duration.
 */
const INITIAL_CAPACITY = 256;

export class ClockIndex {
  // Typed arrays with room to spare, compacted in place: a clock marks every frame (about 100
  // marks a second per stream), and growing or re-slicing plain arrays was most of what a
  // compressed stream allocated beyond the audio itself.
  private offsets = new Float64Array(INITIAL_CAPACITY);
  private times = new Float64Array(INITIAL_CAPACITY);
  private resumable = new Uint8Array(INITIAL_CAPACITY);
  /** Marks before this index are released; marks at or after `count` are unused room. */
  private first = 0;
  private count = 0;
  /** First byte after the container's header (where audio units start), once known. */
  headerEnd: number | null = null;
  /** Duration of the unit that starts at the last mark, when its header says it but not its length. */
  pendingMs = 0;

  mark(offset: number, ms: number, resumable: boolean): void {
    const last = this.count - 1;
    if (last >= this.first) {
      const lastMs = this.times[last];
      // A container may state a time a little before the previous one (clamped starts): time never runs back.
      if (ms < lastMs) ms = lastMs;
      if (this.offsets[last] === offset) {
        this.times[last] = ms;
        if (resumable) this.resumable[last] = 1;
        return;
      }
      if (offset < this.offsets[last]) return;
    }
    if (this.count === this.offsets.length) this.makeRoom();
    this.offsets[this.count] = offset;
    this.times[this.count] = ms;
    this.resumable[this.count] = resumable ? 1 : 0;
    this.count++;
  }

  /** Full: moves the unreleased marks to the front, or doubles the room when most are unreleased. */
  private makeRoom(): void {
    const live = this.count - this.first;
    if (live * 2 > this.offsets.length) {
      const grow = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a.subarray(this.first, this.count));
        return b;
      };
      this.offsets = grow(this.offsets, (n) => new Float64Array(n));
      this.times = grow(this.times, (n) => new Float64Array(n));
      this.resumable = grow(this.resumable, (n) => new Uint8Array(n));
    } else {
      this.offsets.copyWithin(0, this.first, this.count);
      this.times.copyWithin(0, this.first, this.count);
      this.resumable.copyWithin(0, this.first, this.count);
    }
    this.first = 0;
    this.count = live;
  }

  get size(): number {
    return this.count - this.first;
  }

  /** The latest stated time and where it is, or null before any. */
  get lastMark(): ResumePoint | null {
    const i = this.count - 1;
    return i >= this.first ? { offset: this.offsets[i], ms: this.times[i] } : null;
  }

  /** Average bytes per ms over what the index holds, or null before two distinct times. */
  bytesPerMs(): number | null {
    const a = this.first;
    const b = this.count - 1;
    if (b <= a || this.times[b] <= this.times[a]) return null;
    return (this.offsets[b] - this.offsets[a]) / (this.times[b] - this.times[a]);
  }

  /** Index of the last mark at or before `offset`, or first - 1. */
  private markAtOrBefore(offset: number): number {
    let lo = this.first;
    let hi = this.count - 1;
    let found = this.first - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.offsets[mid] <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  msAt(offset: number, tailBytesPerMs: number | null, bounded: boolean): number {
    const i = this.markAtOrBefore(offset);
    if (i < this.first) return this.size > 0 ? this.times[this.first] : 0;
    const o = this.offsets[i];
    const t = this.times[i];
    if (i + 1 < this.count) {
      const span = this.offsets[i + 1] - o;
      return t + ((offset - o) / span) * (this.times[i + 1] - t);
    }
    if (tailBytesPerMs === null || tailBytesPerMs <= 0) return t;
    const tail = (offset - o) / tailBytesPerMs;
    return t + (bounded ? Math.min(tail, this.pendingMs) : tail);
  }

  /** The first offset whose time reaches `ms` (interpolated), or null when no mark is that late. */
  offsetForMs(ms: number): number | null {
    let lo = this.first;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] >= ms) {
        found = mid;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    if (found < 0) return null;
    if (found === this.first) return this.offsets[found];
    const o0 = this.offsets[found - 1];
    const t0 = this.times[found - 1];
    const t1 = this.times[found];
    return o0 + ((ms - t0) / (t1 - t0)) * (this.offsets[found] - o0);
  }

  resumeAtOrBefore(ms: number, observed: number): ResumePoint | null {
    const from = this.headerEnd ?? Infinity;
    for (let i = this.count - 1; i >= this.first; i--) {
      if (!this.resumable[i] || this.offsets[i] > observed || this.times[i] > ms) continue;
      if (this.offsets[i] < from) return null;
      return { offset: this.offsets[i], ms: this.times[i] };
    }
    return null;
  }

  release(offset: number): void {
    const keep = this.markAtOrBefore(offset);
    if (keep <= this.first) return;
    // The released marks' room is taken back when a mark needs it (makeRoom).
    this.first = keep;
  }
}
