/**
 * The Wyoming wire format, in one place: a JSON header line, then `data_length` bytes of JSON
 * merged over the header's `data`, then `payload_length` bytes of payload (usually PCM).
 * The parser is fed whatever the socket delivers and holds at most one header line, one data
 * section and one payload, each under its own limit, so a hostile or broken client cannot make
 * it buffer without bound: past a limit it reports a WyomingProtocolError and stops.
 */

export interface WyomingEvent {
  type: string;
  data: Record<string, unknown>;
  payload: Buffer | null;
}

export interface FrameLimits {
  /** Longest header line, newline excluded. */
  maxHeaderBytes: number;
  /** Largest extra data section. */
  maxDataBytes: number;
  /** Largest payload (one audio chunk). */
  maxPayloadBytes: number;
}

// Home Assistant sends about 2 KB of audio per chunk and headers of a few hundred bytes; these
// leave room for any honest client while keeping a connection's buffers small.
export const DEFAULT_FRAME_LIMITS: FrameLimits = { maxHeaderBytes: 64 * 1024, maxDataBytes: 1024 * 1024, maxPayloadBytes: 4 * 1024 * 1024 };

/** Machine-readable codes, sent as the `code` of the Wyoming `error` event. */
export type FrameErrorCode = "header-too-long" | "bad-header" | "bad-length" | "too-large" | "bad-data" | "truncated";

export class WyomingProtocolError extends Error {
  readonly code: FrameErrorCode;
  constructor(code: FrameErrorCode, message: string) {
    super(message);
    this.name = "WyomingProtocolError";
    this.code = code;
  }
}

const NEWLINE = 0x0a;

/** The protocol version written on every event we send (the one whose events we implement). */
export const PROTOCOL_VERSION = "1.8.0";

/** One event as bytes: data travels inline in the header, which every Wyoming reader accepts. */
export function encodeEvent(type: string, data?: Record<string, unknown>, payload?: Uint8Array): Buffer {
  const header: Record<string, unknown> = { type, version: PROTOCOL_VERSION };
  if (data !== undefined) header.data = data;
  if (payload !== undefined && payload.length > 0) header.payload_length = payload.length;
  const line = Buffer.from(JSON.stringify(header) + "\n", "utf8");
  return payload !== undefined && payload.length > 0 ? Buffer.concat([line, payload]) : line;
}

type Phase = "header" | "data" | "payload" | "failed";

/**
 * Incremental reader of one connection's byte stream. `push` returns the events completed by
 * the bytes, in order; it throws a WyomingProtocolError once the stream is malformed, after
 * which the parser refuses everything (the caller reports and closes).
 */
export class FrameParser {
  readonly #limits: FrameLimits;
  #phase: Phase = "header";
  #headerParts: Buffer[] = [];
  #headerBytes = 0;
  #event: WyomingEvent | null = null;
  #dataLength = 0;
  #payloadLength = 0;
  // What has arrived of the current data section or payload: memory follows the bytes a client
  // actually sent, not the length it announced.
  #parts: Buffer[] = [];
  #filled = 0;
  #size = 0;

  constructor(limits: Partial<FrameLimits> = {}) {
    this.#limits = { ...DEFAULT_FRAME_LIMITS, ...limits };
  }

  push(chunk: Buffer): WyomingEvent[] {
    if (this.#phase === "failed") throw new WyomingProtocolError("bad-header", "The connection already sent a malformed event");
    const events: WyomingEvent[] = [];
    let at = 0;
    try {
      while (at < chunk.length) {
        if (this.#phase === "header") at = this.#readHeader(chunk, at);
        else at = this.#readSection(chunk, at);
        if (this.#event !== null && this.#phase === "header") {
          events.push(this.#event);
          this.#event = null;
        }
      }
    } catch (err) {
      this.#fail();
      throw err;
    }
    return events;
  }

  /** The stream ended: an error if it ended inside an event. */
  end(): void {
    if (this.#phase === "failed") return;
    const inside = this.#phase !== "header" || this.#headerBytes > 0;
    this.#fail();
    if (inside) {
      throw new WyomingProtocolError("truncated", `The connection closed inside an event (${this.#phase === "header" ? "an unfinished header line" : `its ${this.#phase}`})`);
    }
  }

  /** Bytes held for an unfinished event (for tests of the bounds). */
  get bufferedBytes(): number {
    return this.#headerBytes + this.#filled;
  }

  #fail(): void {
    this.#phase = "failed";
    this.#headerParts = [];
    this.#headerBytes = 0;
    this.#parts = [];
    this.#filled = 0;
    this.#event = null;
  }

  #readHeader(chunk: Buffer, at: number): number {
    const nl = chunk.indexOf(NEWLINE, at);
    const end = nl === -1 ? chunk.length : nl;
    const { maxHeaderBytes } = this.#limits;
    if (this.#headerBytes + (end - at) > maxHeaderBytes) {
      throw new WyomingProtocolError("header-too-long", `Header line longer than ${maxHeaderBytes} bytes without a newline: each event starts with one JSON object on one line`);
    }
    this.#headerParts.push(chunk.subarray(at, end));
    this.#headerBytes += end - at;
    if (nl === -1) return chunk.length;
    const line = this.#headerParts.length === 1 ? this.#headerParts[0] : Buffer.concat(this.#headerParts);
    this.#headerParts = [];
    this.#headerBytes = 0;
    // A blank line (a client ending lines with \r\n, or an empty keep-alive) carries no event.
    if (line.toString("utf8").trim() !== "") this.#startEvent(line);
    return nl + 1;
  }

  #startEvent(line: Buffer): void {
    let header: unknown;
    try {
      header = JSON.parse(line.toString("utf8"));
    } catch {
      throw new WyomingProtocolError("bad-header", `Header is not JSON: ${preview(line)}`);
    }
    if (typeof header !== "object" || header === null || Array.isArray(header)) {
      throw new WyomingProtocolError("bad-header", `Header must be a JSON object, got ${preview(line)}`);
    }
    const h = header as Record<string, unknown>;
    if (typeof h.type !== "string" || h.type === "") throw new WyomingProtocolError("bad-header", "Header has no \"type\" string");
    const data = h.data ?? {};
    if (typeof data !== "object" || data === null || Array.isArray(data)) throw new WyomingProtocolError("bad-header", "Header \"data\" must be a JSON object");
    this.#dataLength = length(h.data_length, "data_length", this.#limits.maxDataBytes);
    this.#payloadLength = length(h.payload_length, "payload_length", this.#limits.maxPayloadBytes);
    this.#event = { type: h.type, data: data as Record<string, unknown>, payload: null };
    this.#nextSection();
  }

  #nextSection(): void {
    if (this.#phase === "header" && this.#dataLength > 0) this.#open("data", this.#dataLength);
    else if (this.#phase !== "payload" && this.#payloadLength > 0) this.#open("payload", this.#payloadLength);
    else this.#phase = "header";
  }

  #open(phase: "data" | "payload", size: number): void {
    this.#phase = phase;
    this.#parts = [];
    this.#filled = 0;
    this.#size = size;
  }

  #readSection(chunk: Buffer, at: number): number {
    const take = Math.min(this.#size - this.#filled, chunk.length - at);
    // A copy: a view would keep the socket's whole chunk alive as long as the event is.
    this.#parts.push(Buffer.from(chunk.subarray(at, at + take)));
    this.#filled += take;
    if (this.#filled < this.#size) return at + take;
    const event = this.#event as WyomingEvent;
    const section = this.#parts.length === 1 ? this.#parts[0] : Buffer.concat(this.#parts, this.#size);
    this.#parts = [];
    this.#filled = 0;
    if (this.#phase === "data") {
      let extra: unknown;
      try {
        extra = JSON.parse(section.toString("utf8"));
      } catch {
        throw new WyomingProtocolError("bad-data", `The ${section.length} bytes of extra data after the "${event.type}" header are not JSON`);
      }
      if (typeof extra !== "object" || extra === null || Array.isArray(extra)) {
        throw new WyomingProtocolError("bad-data", `The extra data of "${event.type}" must be a JSON object`);
      }
      event.data = { ...event.data, ...(extra as Record<string, unknown>) };
    } else {
      event.payload = section;
    }
    this.#nextSection();
    return at + take;
  }
}

function length(value: unknown, name: string, max: number): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new WyomingProtocolError("bad-length", `Header "${name}" must be a whole number of bytes, 0 or more (got ${preview(Buffer.from(JSON.stringify(value) ?? String(value)))})`);
  }
  if (value > max) throw new WyomingProtocolError("too-large", `Header "${name}" is ${value} bytes; this server takes at most ${max}`);
  return value;
}

function preview(bytes: Buffer): string {
  const text = bytes.subarray(0, 80).toString("utf8").replace(/[^\x20-\x7e]/g, "?");
  return bytes.length > 80 ? `${text}…` : text;
}
