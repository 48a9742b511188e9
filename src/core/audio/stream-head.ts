import { isRawFormat, type ContainerFormat } from "./audio-format";
import { containerHeader, needsHeader } from "./container-resume";
import { sniffContainer } from "./sniff";
import { parseWavHeader } from "./wav";

/** Past this, a header that never completed is given up on. */
const MAX_HEADER_BYTES = 64 * 1024;

export type StreamKind = "raw" | ContainerFormat | "unknown";

/**
 * Remembers what a stream is and the header it began with, because a replacement session
 * (reconnect, rotation) must begin with that header again.
 */
export class StreamHead {
  kind: StreamKind | null = null;
  header: Uint8Array | null = null;
  private collected: Uint8Array = new Uint8Array(0);
  private done = false;

  constructor(private readonly declaredFormat: string) {}

  observe(chunk: Uint8Array): void {
    if (this.done) return;
    const joined = new Uint8Array(this.collected.length + chunk.length);
    joined.set(this.collected);
    joined.set(chunk, this.collected.length);
    this.collected = joined;
    if (this.kind === null) {
      if (isRawFormat(this.declaredFormat)) this.kind = "raw";
      else if (this.declaredFormat !== "auto") this.kind = this.declaredFormat as ContainerFormat;
      else this.kind = sniffContainer(joined) ?? "unknown";
    }
    const header = this.findHeader(joined);
    if (header !== undefined) {
      this.header = header && header.slice();
      this.finish();
    } else if (joined.length > MAX_HEADER_BYTES) this.finish();
  }

  /** The header, null when none is needed; undefined while more bytes are needed. */
  private findHeader(bytes: Uint8Array): Uint8Array | null | undefined {
    const kind = this.kind;
    if (kind === "raw" || kind === "unknown" || kind === null) return null;
    if (kind === "wav") {
      const parsed = parseWavHeader(bytes);
      if (parsed.status === "ok") return bytes.subarray(0, parsed.info.dataOffset);
      return parsed.status === "invalid" ? null : undefined;
    }
    if (!needsHeader(kind)) return null;
    return containerHeader(kind, bytes) ?? undefined;
  }

  private finish(): void {
    this.done = true;
    this.collected = new Uint8Array(0);
  }
}
