import type { HeaderRead } from "./audio-meter";

/** An 80-bit IEEE extended float (AIFF's sample rate). */
function extended(b: Uint8Array, at: number): number {
  const exponent = (((b[at] & 0x7f) << 8) | b[at + 1]) - 16383;
  const hi = ((b[at + 2] << 24) >>> 0) + (b[at + 3] << 16) + (b[at + 4] << 8) + b[at + 5];
  const lo = ((b[at + 6] << 24) >>> 0) + (b[at + 7] << 16) + (b[at + 8] << 8) + b[at + 9];
  return (hi * 2 ** (exponent - 31) + lo * 2 ** (exponent - 63)) * (b[at] & 0x80 ? -1 : 1);
}

/** Bytes per sample for AIFF-C compression types that are still constant-rate. */
const AIFC_SAMPLE_BYTES: Record<string, number> = { fl32: 4, FL32: 4, fl64: 8, FL64: 8, ulaw: 1, ULAW: 1, alaw: 1, ALAW: 1 };

/** AIFF / AIFF-C: the COMM chunk gives channels, sample size and rate; audio starts inside SSND (after its offset). */
export function readAiffHeader(b: Uint8Array): HeaderRead {
  if (b.length < 12) return { status: "need-more" };
  const text = (at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
  if (text(0) !== "FORM" || (text(8) !== "AIFF" && text(8) !== "AIFC")) return { status: "invalid" };
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let frame = 0;
  let rate = 0;
  for (let at = 12; ; ) {
    if (at + 8 > b.length) return { status: "need-more" };
    const id = text(at);
    const size = dv.getUint32(at + 4);
    if (id === "SSND") {
      if (at + 16 > b.length) return { status: "need-more" };
      if (frame === 0 || rate <= 0) return { status: "invalid" };
      return { status: "ok", headerBytes: at + 16 + dv.getUint32(at + 8), rate: { frame, frameRate: rate } };
    }
    if (id === "COMM") {
      if (at + 26 > b.length) return { status: "need-more" };
      const channels = dv.getUint16(at + 8);
      const bits = dv.getUint16(at + 14);
      rate = extended(b, at + 16);
      let sampleBytes = Math.ceil(bits / 8);
      if (text(8) === "AIFC" && size >= 22) {
        if (at + 30 > b.length) return { status: "need-more" };
        const compression = text(at + 26);
        if (compression in AIFC_SAMPLE_BYTES) sampleBytes = AIFC_SAMPLE_BYTES[compression];
        else if (!["NONE", "twos", "sowt", "raw "].includes(compression)) return { status: "invalid" };
      }
      frame = channels * sampleBytes;
    }
    at += 8 + size + (size & 1);
  }
}
