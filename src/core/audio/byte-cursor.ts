import { copyBytes } from "./copy-bytes";

const EMPTY = new Uint8Array(0);

/**
 * Reads a stream that arrives in chunks as if it were one buffer, keeping only the bytes not yet
 * consumed: a container clock holds a unit header at most, never the stream. A chunk is read in
 * place (moving an offset, not cutting views: a clock reads dozens of elements per second per
 * stream) and only its unread tail is copied, at `settle`, since the caller may reuse the chunk.
 */
export class ByteCursor {
  private buf: Uint8Array = EMPTY;
  private off = 0;
  private skipLeft = 0;
  /** `buf` is the caller's chunk, not a copy of ours. */
  private borrowed = false;
  /** Stream offset of the next byte to read. */
  pos = 0;

  append(chunk: Uint8Array): void {
    // Bytes a unit skipped past before they arrived (a frame cut by a 4096-byte read): start
    // reading the chunk after them, by offset rather than a view of the rest.
    let from = 0;
    if (this.skipLeft > 0) {
      from = Math.min(this.skipLeft, chunk.length);
      this.skipLeft -= from;
    }
    if (from === chunk.length) return;
    const rest = this.available;
    if (rest === 0) {
      this.buf = chunk;
      this.off = from;
      this.borrowed = true;
      return;
    }
    const joined = new Uint8Array(rest + chunk.length - from);
    joined.set(this.buf.subarray(this.off));
    joined.set(from === 0 ? chunk : chunk.subarray(from), rest);
    this.buf = joined;
    this.off = 0;
    this.borrowed = false;
  }

  /** Reading is done for now: the unread bytes are copied out of the caller's chunk. */
  settle(): void {
    if (!this.borrowed) return;
    this.buf = this.available > 0 ? copyBytes(this.buf.subarray(this.off)) : EMPTY;
    this.off = 0;
    this.borrowed = false;
  }

  /** Bytes readable from `pos` now. */
  get available(): number {
    return this.buf.length - this.off;
  }

  at(i: number): number {
    return this.buf[this.off + i];
  }

  /** The little-endian unsigned 32-bit number at `i`, read without a view (a clock reads one per unit). */
  uint32le(i: number): number {
    const b = this.buf;
    const o = this.off + i;
    return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
  }

  view(n: number): Uint8Array {
    return this.buf.subarray(this.off, this.off + n);
  }

  /** Moves past `n` bytes, even ones that have not arrived yet. */
  skip(n: number): void {
    this.pos += n;
    const available = this.available;
    if (n <= available) {
      this.off += n;
    } else {
      this.skipLeft += n - available;
      this.buf = EMPTY;
      this.off = 0;
      this.borrowed = false;
    }
  }
}
