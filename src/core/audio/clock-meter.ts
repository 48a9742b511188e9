import type { AudioMeter, ResumePoint } from "./audio-meter";
import { ByteCursor } from "./byte-cursor";
import { ClockIndex } from "./clock-index";
import { copyBytes } from "./copy-bytes";
import type { DamageListener } from "./damage-warnings";
import type { Damage, DamageReport } from "./sync-search";

/** A container's own clock: reads unit headers from the cursor and states their times in the index. */
export interface ContainerClock {
  /** The container's name, for messages. */
  readonly name: string;
  /** Whether a decoder picking the stream up mid-way needs the header bytes first (Ogg, FLAC, WebM); MP3 and ADTS frames stand alone. */
  readonly resendHeader: boolean;
  /**
   * Reads as many unit headers as the cursor holds; returns why the stream cannot be timed, if it
   * cannot. A stretch that was not the container's framing, passed before a unit was found again,
   * goes to `damaged`.
   */
  read(cursor: ByteCursor, index: ClockIndex, damaged: DamageReport): string | null;
}

/** Bytes per ms assumed before a stream's own rate is known (32 kbit/s), as for unknown containers. */
const ASSUMED_BYTES_PER_MS = 4;
/** The header is kept to send it again; one this large is not a real header and is not kept. */
const MAX_HEADER_BYTES = 256 * 1024;

/**
 * Exact audio time for a container, read from its own framing without decoding. If the stream
 * stops making sense as that container, time beyond the last known point runs at the average
 * rate seen so far, flagged approximate, and `onLost` says why (once). A damaged stretch the clock
 * found its way past is counted in `damage` and goes to `onDamage`.
 */
export class ClockMeter implements AudioMeter {
  private readonly cursor = new ByteCursor();
  private readonly index = new ClockIndex();
  private observed = 0;
  private prefix: Uint8Array[] = [];
  private prefixBytes = 0;
  private headerSettled = false;
  private head: Uint8Array = new Uint8Array(0);
  private lost = false;
  /** Damaged stretches passed so far, and their bytes. */
  readonly damage = { stretches: 0, bytes: 0 };
  private readonly damaged: DamageReport;

  constructor(
    private readonly clock: ContainerClock,
    private readonly onLost: (reason: string) => void = () => {},
    private readonly onDamage: DamageListener | null = null,
  ) {
    this.damaged = (d: Damage) => {
      this.damage.stretches++;
      this.damage.bytes += d.bytes;
      onDamage?.damaged(d);
    };
  }

  get approximate(): boolean {
    return this.lost;
  }

  observe(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.observed += chunk.length;
    if (!this.lost) {
      this.cursor.append(chunk);
      const failure = this.clock.read(this.cursor, this.index, this.damaged);
      this.cursor.settle();
      if (failure !== null) {
        this.lost = true;
        this.onLost(failure);
      }
    }
    this.keepHeader(chunk);
  }

  private keepHeader(chunk: Uint8Array): void {
    if (this.headerSettled || !this.clock.resendHeader) return;
    this.prefix.push(copyBytes(chunk));
    this.prefixBytes += chunk.length;
    const end = this.index.headerEnd;
    if (end === null && this.prefixBytes <= MAX_HEADER_BYTES) return;
    if (end !== null && this.prefixBytes < end) return;
    if (end !== null) {
      const all = new Uint8Array(this.prefixBytes);
      let at = 0;
      for (const part of this.prefix) {
        all.set(part, at);
        at += part.length;
      }
      this.head = all.slice(0, end);
    }
    this.prefix = [];
    this.prefixBytes = 0;
    this.headerSettled = true;
  }

  /** Rate for bytes past the last stated time: the stream's own average, else the assumed one. */
  private tailRate(): number {
    return this.index.bytesPerMs() ?? ASSUMED_BYTES_PER_MS;
  }

  msAt(offset: number): number {
    return this.index.msAt(offset, this.tailRate(), !this.lost);
  }

  msForRange(offset: number, length: number): number {
    return Math.max(0, this.msAt(offset + length) - this.msAt(offset));
  }

  bytesForMs(offset: number, ms: number): number {
    const target = this.msAt(offset) + ms;
    const at = this.index.offsetForMs(target);
    if (at !== null) return Math.max(0, Math.floor(at) - offset);
    // Everything observed holds less than asked (headers before the first unit count as no time).
    if (!this.lost && this.msAt(this.observed) <= target) return Math.max(0, this.observed - offset);
    const last = this.index.lastMark;
    const from = last ? Math.max(last.offset, offset) : offset;
    return Math.max(0, from - offset + Math.floor((target - this.msAt(from)) * this.tailRate()));
  }

  resumeAtOrBefore(ms: number): ResumePoint | null {
    if (this.clock.resendHeader && this.head.length === 0) return null;
    return this.index.resumeAtOrBefore(ms, this.observed);
  }

  header(): Uint8Array {
    return this.head;
  }

  release(offset: number): void {
    this.index.release(offset);
  }

  destroy(): void {
    this.onDamage?.ended();
  }
}
