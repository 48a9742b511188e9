/**
 * Passes on only the samples of a WAV stream: the header (which became the start message) is
 * dropped, and so is anything after a data chunk of known size (trailing LIST/id3 chunks), which
 * would otherwise be sent as samples. A new "RIFF" header after the end of the data (sox-record in
 * WAV mode sends one file per message) starts another file: its header is read and dropped too.
 */
import { parseWavHeader, type WavInfo } from "./wav";

/** A header that has not ended after this many bytes is given up on (the rest is passed on). */
const MAX_HEADER_BYTES = 64 * 1024;

export class WavBody {
  private phase: "header" | "data" | "trailer" = "header";
  private head = new Uint8Array(0);
  /** Sample bytes left in the current data chunk; null when the size is unknown (streamed WAV). */
  private remaining: number | null = null;
  private files = 0;

  /** `onHeader` sees each file's header (to compare formats); `onInvalid` a header that cannot be read. */
  constructor(
    private readonly onHeader: (info: WavInfo, index: number) => void,
    private readonly onInvalid: (reason: string) => void,
  ) {}

  /** The sample bytes in `chunk` (possibly none), in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let rest = chunk;
    while (rest.length > 0) {
      if (this.phase === "header") {
        rest = this.readHeader(rest);
      } else if (this.phase === "data") {
        const take = this.remaining === null ? rest.length : Math.min(this.remaining, rest.length);
        out.push(rest.subarray(0, take));
        rest = rest.subarray(take);
        if (this.remaining !== null) {
          this.remaining -= take;
          if (this.remaining === 0) this.phase = "trailer";
        }
      } else {
        // Only a chunk that starts with RIFF begins a new file; anything else is the old file's tail.
        if (!startsWithRiff(rest)) return out;
        this.phase = "header";
      }
    }
    return out;
  }

  /** Consumes header bytes; returns what is left of `chunk` after the header (if it ended). */
  private readHeader(chunk: Uint8Array): Uint8Array {
    const joined = new Uint8Array(this.head.length + chunk.length);
    joined.set(this.head);
    joined.set(chunk, this.head.length);
    const parsed = parseWavHeader(joined);
    if (parsed.status === "ok") {
      this.head = new Uint8Array(0);
      this.phase = "data";
      this.remaining = parsed.info.dataBytes;
      this.onHeader(parsed.info, this.files++);
      return joined.subarray(parsed.info.dataOffset);
    }
    if (parsed.status === "need-more" && joined.length <= MAX_HEADER_BYTES) {
      this.head = joined;
      return new Uint8Array(0);
    }
    this.head = new Uint8Array(0);
    this.phase = "data";
    this.remaining = null;
    this.onInvalid(parsed.status === "invalid" ? parsed.reason : `no WAV data chunk within ${MAX_HEADER_BYTES} bytes`);
    return joined;
  }
}

function startsWithRiff(buf: Uint8Array): boolean {
  return buf.length >= 4 && buf[0] === 0x52 && buf[1] === 0x49 && buf[2] === 0x46 && buf[3] === 0x46;
}
