/**
 * A copy of `bytes` that shares no memory with it. Not `bytes.slice()`: on a Node Buffer (what
 * msg.payload usually is) `slice` is a view, so a caller that reuses its buffer would change
 * bytes we kept.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
