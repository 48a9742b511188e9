import type { ResumePoint } from "./audio-meter";

/**
 * Byte offsets whose audio time a container states exactly (page ends, frame starts, block
 * timecodes), in stream order. Between two of them time is interpolated by bytes; past the last
 * one, the unit that starts there counts at the stream's average byte rate up to its duration.
 */
export class ClockIndex {
  private offsets: number[] = [];
  private times: number[] = [];
  private resumable: boolean[] = [];
  private first = 0;
  /** First byte after the container's header (where audio units start), once known. */
  headerEnd: number | null = null;
  /** Duration of the unit that starts at the last mark, when its header says it but not its length. */
  pendingMs = 0;

  mark(offset: number, ms: number, resumable: boolean): void {
    const last = this.offsets.length - 1;
    if (last >= this.first) {
      const lastMs = this.times[last];
      // A container may state a time a little before the previous one (clamped starts): time never runs back.
      if (ms < lastMs) ms = lastMs;
      if (this.offsets[last] === offset) {
        this.times[last] = ms;
        this.resumable[last] ||= resumable;
        return;
      }
      if (offset < this.offsets[last]) return;
    }
    this.offsets.push(offset);
    this.times.push(ms);
    this.resumable.push(resumable);
  }

  get size(): number {
    return this.offsets.length - this.first;
  }

  /** The latest stated time and where it is, or null before any. */
  get lastMark(): ResumePoint | null {
    const i = this.offsets.length - 1;
    return i >= this.first ? { offset: this.offsets[i], ms: this.times[i] } : null;
  }

  /** Average bytes per ms over what the index holds, or null before two distinct times. */
  bytesPerMs(): number | null {
    const a = this.first;
    const b = this.offsets.length - 1;
    if (b <= a || this.times[b] <= this.times[a]) return null;
    return (this.offsets[b] - this.offsets[a]) / (this.times[b] - this.times[a]);
  }

  /** Index of the last mark at or before `offset`, or first - 1. */
  private markAtOrBefore(offset: number): number {
    let lo = this.first;
    let hi = this.offsets.length - 1;
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
    if (i + 1 < this.offsets.length) {
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
    let hi = this.times.length - 1;
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
    for (let i = this.offsets.length - 1; i >= this.first; i--) {
      if (!this.resumable[i] || this.offsets[i] > observed || this.times[i] > ms) continue;
      if (this.offsets[i] < from) return null;
      return { offset: this.offsets[i], ms: this.times[i] };
    }
    return null;
  }

  release(offset: number): void {
    const keep = this.markAtOrBefore(offset);
    if (keep <= this.first) return;
    this.first = keep;
    // Compact now and then so a long stream's index stays as small as its unreleased part.
    if (this.first >= 1024 && this.first * 2 >= this.offsets.length) {
      this.offsets = this.offsets.slice(this.first);
      this.times = this.times.slice(this.first);
      this.resumable = this.resumable.slice(this.first);
      this.first = 0;
    }
  }
}
