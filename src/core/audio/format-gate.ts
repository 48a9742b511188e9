import { resolveFormat, type FormatRequest, type FormatResolution } from "./format-declaration";

/**
 * Holds a new stream's first chunks until its format can be decided from them (a WAV header split
 * over chunks, a sniff head for "auto"), so the start message describes the audio correctly.
 */
export class FormatGate {
  private readonly held: Uint8Array[] = [];
  private bytes = 0;

  constructor(private readonly request: FormatRequest) {}

  /** The chunks held so far, in order; they go to the stream once the format is decided. */
  get chunks(): readonly Uint8Array[] {
    return this.held;
  }

  /** Adds a chunk; returns the decision, or null while more bytes are needed. Throws on invalid sox properties. */
  add(chunk: Uint8Array): FormatResolution | null {
    this.held.push(chunk);
    this.bytes += chunk.length;
    const decision = resolveFormat(this.request, this.head(), false);
    return decision.status === "resolved" ? decision : null;
  }

  /** Decides with what there is (a command or the end of the stream arrived); "complete" never asks for more. */
  decide(): FormatResolution {
    return resolveFormat(this.request, this.head(), true) as FormatResolution;
  }

  private head(): Uint8Array {
    return this.held.length === 1 ? this.held[0] : Buffer.concat(this.held, this.bytes);
  }
}
