import type { AudioMeter } from "../audio";
import type { Clock } from "../clock";

export interface SendQueueOptions {
  clock: Clock;
  /** Hold audio that arrives faster than real time; live audio is never delayed. */
  pacing: boolean;
  /** How far ahead of real time audio may run, so jitter in a live source adds no delay. */
  leadMs: number;
  /** Size of the frames a burst is cut into (Soniox's own examples use 120 ms). */
  sliceMs: number;
  /**
   * How much audio time a source that fell behind real time (a stall upstream, a busy event loop,
   * a slow connect) may catch up by sending faster than real time; the rest stays behind. Soniox's
   * tolerance for bursts is not documented (it fails a stream with "too much audio" when far ahead),
   * so the default is small. Default 2000; 0 = never catch up.
   */
  catchUpMs?: number;
  /** Bound on audio bytes waiting (before connect and while pacing). */
  maxQueuedBytes: number;
  /**
   * `startMs` is where the chunk begins on this queue's audio timeline; `at` is its position in
   * the stream, null for a container header re-sent ahead of a replay (no audio time).
   */
  sendAudio(chunk: Uint8Array, ms: number, startMs: number, at: number | null): void;
  sendText(text: string): void;
  /** False while the socket has too much unsent data: audio then waits (bounded) instead of piling up in memory twice. */
  canSend(): boolean;
  /** Called when the bound forces old audio out; `bytes` is the amount dropped this time. */
  onDrop(bytes: number): void;
}

/** Default of SendQueueOptions.catchUpMs. */
export const DEFAULT_CATCH_UP_MS = 2000;

/** Largest piece of audio sent in one frame when pacing is off. */
const UNPACED_PIECE_MS = 2000;

/** `at`: the audio's position in the stream; null for a re-sent header. */
export type QueueItem =
  | { kind: "audio"; data: Uint8Array; at: number | null }
  | { kind: "text"; text: string; onSent?: () => void };
type Item = QueueItem;

/**
 * The one ordered path to the socket. Audio, finalize, keepalive and end-of-stream go through it
 * in call order, so a finalize can never overtake audio queued before it. Before `open()` it
 * buffers (bounded); after, it sends at once unless pacing has to hold a burst back.
 */
export class SendQueue {
  private readonly items: Item[] = [];
  private head = 0;
  private opened = false;
  private closed = false;
  private timer: unknown = null;
  private anchor: number | null = null;
  private sentMs = 0;
  /** Where audio pushed without a position goes (a session used on its own, not by a stream). */
  private nextAt = 0;
  private queued = 0;
  private credit = 0;
  private readonly catchUpMs: number;

  constructor(private readonly opts: SendQueueOptions, private meter: AudioMeter) {
    this.catchUpMs = Math.max(0, opts.catchUpMs ?? DEFAULT_CATCH_UP_MS);
  }

  get queuedBytes(): number {
    return this.queued;
  }

  /** Audio milliseconds sent so far, by the meter's reckoning. */
  get audioMsSent(): number {
    return this.sentMs;
  }

  get pending(): number {
    return this.items.length - this.head;
  }

  /**
   * Queues audio. Without `at` the queue numbers the bytes itself and shows them to the meter;
   * with it, the caller owns the positions and the meter (one meter for a whole stream).
   */
  pushAudio(chunk: Uint8Array, at?: number | null): void {
    if (this.closed || chunk.length === 0) return;
    if (at === undefined) {
      this.meter.observe(chunk);
      at = this.nextAt;
      this.nextAt += chunk.length;
    }
    const now = this.opts.clock.now();
    if (this.anchor === null) this.anchor = now - this.credit;
    else if (this.queued === 0 && now - this.anchor > this.sentMs + this.catchUpMs) {
      // The source fell behind real time (a pause, a stall upstream, a busy event loop): it may
      // catch up by catchUpMs, so a short stall costs no lasting delay; credit beyond that does
      // not pile up, or the next burst would go out all at once.
      this.anchor = now - this.sentMs - this.catchUpMs;
    }
    this.queued += chunk.length;
    if (this.sendNow(chunk, at, now)) return;
    this.items.push({ kind: "audio", data: chunk, at });
    this.enforceBound();
    this.drain();
  }

  /**
   * The common case, without a queue item: open, nothing waiting, room in the socket and (when
   * pacing) budget for the whole chunk. Exactly what `drain` would do with it as the only item;
   * true when it handled the chunk (sent it, or queued it to wait for room in the socket).
   */
  private sendNow(chunk: Uint8Array, at: number | null, now: number): boolean {
    if (!this.opened || this.timer !== null || this.head < this.items.length) return false;
    if (at !== null) {
      if (!this.opts.pacing) {
        const piece = this.meter.bytesForMs(at, UNPACED_PIECE_MS);
        if (piece > 0 && piece < chunk.length) return false;
      } else {
        const budgetMs = now - (this.anchor ?? 0) + this.opts.leadMs - this.sentMs;
        if (budgetMs <= 0 || this.meter.bytesForMs(at, budgetMs) < chunk.length) return false;
      }
    }
    // Asked last and once, as drain would (a full socket counts a backpressure wait).
    if (!this.opts.canSend()) {
      this.items.push({ kind: "audio", data: chunk, at });
      this.waitForRoom();
      return true;
    }
    this.emitAudio(chunk, at);
    return true;
  }

  pushText(text: string, onSent?: () => void): void {
    if (this.closed) return;
    this.items.push({ kind: "text", text, onSent });
    this.drain();
  }

  open(): void {
    this.opened = true;
    // Audio queued during a slow connect is behind real time like audio after a stall: it may
    // catch up by catchUpMs (besides a replay's backdated credit), not burst out all at once.
    if (this.anchor !== null) this.anchor = Math.max(this.anchor, this.opts.clock.now() - this.credit - this.catchUpMs);
    this.drain();
  }

  /** The socket is open: the queue sends. */
  get isOpen(): boolean {
    return this.opened;
  }

  /** Stops sending and forgets everything queued. */
  close(): void {
    this.closed = true;
    this.opened = false;
    this.clearTimer();
    this.items.length = 0;
    this.head = 0;
    this.queued = 0;
    this.meter.destroy();
  }

  /** Chooses how audio time is measured; only before the first audio byte, when the format is known. */
  useMeter(meter: AudioMeter): void {
    if (this.anchor !== null) throw new Error("the audio meter can only be chosen before the first audio");
    this.meter.destroy();
    this.meter = meter;
  }

  get meterApproximate(): boolean {
    return this.meter.approximate;
  }

  get hasAudio(): boolean {
    return this.anchor !== null;
  }

  /**
   * Counts `ms` of audio as already due before the first byte is queued: audio replayed after a
   * reconnect is behind real time and may catch up instead of adding a permanent delay.
   */
  backdate(ms: number): void {
    if (this.anchor === null) this.credit = ms;
  }

  /** Everything not yet sent, in order (what a replacement session must send instead). */
  takeUnsent(): QueueItem[] {
    const rest = this.items.slice(this.head).filter((i) => i.kind === "text" || i.data.length > 0);
    this.items.length = 0;
    this.head = 0;
    this.queued = 0;
    return rest;
  }

  /** Re-checks the queue, e.g. when the meter learned a better rate. */
  poke(): void {
    this.clearTimer();
    this.drain();
  }

  private enforceBound(): void {
    let dropped = 0;
    for (let i = this.head; i < this.items.length - 1 && this.queued > this.opts.maxQueuedBytes; i++) {
      const item = this.items[i];
      if (item.kind !== "audio" || item.data.length === 0) continue;
      dropped += item.data.length;
      this.queued -= item.data.length;
      item.data = item.data.subarray(item.data.length);
    }
    if (dropped > 0) this.opts.onDrop(dropped);
  }

  private drain(): void {
    if (!this.opened || this.timer !== null) return;
    while (this.head < this.items.length) {
      const item = this.items[this.head];
      if (item.kind === "text") {
        this.shift();
        this.opts.sendText(item.text);
        item.onSent?.();
        continue;
      }
      if (item.data.length === 0) {
        this.shift();
        continue;
      }
      if (!this.opts.canSend()) {
        this.waitForRoom();
        return;
      }
      const at = item.at;
      if (at === null) {
        // A re-sent header holds no audio time: it goes out whole, ahead of the replay.
        this.shift();
        this.emitAudio(item.data, null);
        continue;
      }
      if (!this.opts.pacing) {
        // Unpaced bursts still go in pieces, so socket backpressure can act between them.
        const piece = this.meter.bytesForMs(at, UNPACED_PIECE_MS);
        if (piece > 0 && piece < item.data.length) {
          this.emitPiece(item, piece);
          continue;
        }
        this.shift();
        this.emitAudio(item.data, at);
        continue;
      }
      const budgetMs = this.opts.clock.now() - (this.anchor ?? 0) + this.opts.leadMs - this.sentMs;
      const allowed = budgetMs > 0 ? this.meter.bytesForMs(at, budgetMs) : 0;
      if (allowed >= item.data.length) {
        this.shift();
        this.emitAudio(item.data, at);
        continue;
      }
      const slice = Math.min(allowed, this.meter.bytesForMs(at, this.opts.sliceMs));
      if (slice > 0) {
        this.emitPiece(item, slice);
        continue;
      }
      // Either real time has not caught up yet, or the meter cannot size audio yet (it pokes
      // the queue when it can): look again when a slice's worth of time has passed.
      const wait = budgetMs >= this.opts.sliceMs ? this.opts.sliceMs : this.opts.sliceMs - Math.max(0, budgetMs);
      this.timer = this.opts.clock.setTimeout(() => {
        this.timer = null;
        this.drain();
      }, Math.max(1, Math.ceil(wait)));
      return;
    }
    if (this.head > 0) {
      this.items.length = 0;
      this.head = 0;
    }
  }

  private waitForRoom(): void {
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      this.drain();
    }, this.opts.sliceMs);
  }

  private shift(): void {
    this.head++;
    // Compact now and then so a long burst does not keep a huge array of sent items alive.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Sends the first `bytes` of an audio item and keeps the rest queued at its new position. */
  private emitPiece(item: { data: Uint8Array; at: number | null }, bytes: number): void {
    const at = item.at as number;
    this.emitAudio(item.data.subarray(0, bytes), at);
    item.data = item.data.subarray(bytes);
    item.at = at + bytes;
  }

  private emitAudio(chunk: Uint8Array, at: number | null): void {
    const startMs = this.sentMs;
    const ms = at === null ? 0 : this.meter.msForRange(at, chunk.length);
    this.sentMs += ms;
    this.queued -= chunk.length;
    this.opts.sendAudio(chunk, ms, startMs, at);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
