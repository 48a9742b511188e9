import type { ByteCursor } from "./byte-cursor";

/** A stretch of a container stream that was not the container's framing: where it began and how long it was. */
export interface Damage {
  offset: number;
  bytes: number;
}

export type DamageReport = (damage: Damage) => void;

/**
 * A clock's search for the next unit header once the bytes stop making sense: it counts the
 * bytes passed, gives up past `limit` (the stream is not this container any more), and reports the
 * stretch once a header is found again. Bytes before the stream's first unit are a stream picked
 * up mid-way, not damage, so they are passed without a report.
 */
export class SyncSearch {
  private from = 0;
  private passed = 0;

  constructor(private readonly limit: number) {}

  /** True while bytes are being passed: a header found now must be confirmed before it is trusted. */
  get searching(): boolean {
    return this.passed > 0;
  }

  /** Passes one byte that starts no unit; false once more than `limit` bytes were passed. */
  pass(cur: ByteCursor): boolean {
    if (this.passed === 0) this.from = cur.pos;
    cur.skip(1);
    return ++this.passed <= this.limit;
  }

  /** A unit header was found where the search stands; `report` hears of the stretch passed, if any. */
  found(report: DamageReport, afterFirstUnit: boolean): void {
    if (this.passed > 0 && afterFirstUnit) report({ offset: this.from, bytes: this.passed });
    this.passed = 0;
  }
}
