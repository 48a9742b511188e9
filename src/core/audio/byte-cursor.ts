/**
 * Reads a stream that arrives in chunks as if it were one buffer, keeping only the bytes not yet
 * consumed: a container clock holds a unit header at most, never the stream.
 */
export class ByteCursor {
  private buf: Uint8Array = new Uint8Array(0);
  private skipLeft = 0;
  /** Stream offset of the next byte to read. */
  pos = 0;

  append(chunk: Uint8Array): void {
    if (this.skipLeft > 0) {
      const n = Math.min(this.skipLeft, chunk.length);
      this.skipLeft -= n;
      chunk = chunk.subarray(n);
    }
    if (chunk.length === 0) return;
    if (this.buf.length === 0) {
      this.buf = chunk.slice();
      return;
    }
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    this.buf = joined;
  }

  /** Bytes readable from `pos` now. */
  get available(): number {
    return this.buf.length;
  }

  at(i: number): number {
    return this.buf[i];
  }

  view(n: number): Uint8Array {
    return this.buf.subarray(0, n);
  }

  /** Moves past `n` bytes, even ones that have not arrived yet. */
  skip(n: number): void {
    this.pos += n;
    if (n <= this.buf.length) {
      this.buf = this.buf.subarray(n);
    } else {
      this.skipLeft += n - this.buf.length;
      this.buf = new Uint8Array(0);
    }
  }
}
