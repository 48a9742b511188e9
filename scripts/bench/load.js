"use strict";
// A live source for N streams: each stream sends its plan's messages (chunk-plan.js) at their due
// times from its own phase (spread evenly over one period, as independent cameras or callers would be). One timer
// drives all streams. When the event loop is late, every chunk that became due goes out at once,
// as audio from a real device would have piled up; the lateness is recorded as generator lag.
const { hrMs } = require("./clock");

class RealTimeLoad {
  /**
   * @param {{streams: number, plan: {count: number, periodMs: number, dueMs: (seq: number) => number, chunk: (seq: number) => Buffer},
   *   onChunk: (stream: number, chunk: Buffer, seq: number) => void, onDone: () => void}} o
   */
  constructor(o) {
    this.o = o;
    this.seq = 0;
    this.stream = 0;
    this.timer = null;
    this.maxLateMs = 0;
    this.lateSamples = [];
    this.t0 = 0;
  }

  start() {
    this.t0 = hrMs();
    this.wake();
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  dueAt(seq, stream) {
    const { plan, streams } = this.o;
    return this.t0 + plan.dueMs(seq) + (stream * plan.periodMs) / streams;
  }

  wake() {
    this.timer = null;
    const { streams, plan, onChunk } = this.o;
    const chunks = plan.count;
    const now = hrMs();
    while (this.seq < chunks) {
      const due = this.dueAt(this.seq, this.stream);
      if (due > now) break;
      const late = now - due;
      if (late > this.maxLateMs) this.maxLateMs = late;
      if (this.stream === 0) this.lateSamples.push(late);
      onChunk(this.stream, plan.chunk(this.seq), this.seq);
      if (++this.stream === streams) {
        this.stream = 0;
        this.seq++;
      }
    }
    if (this.seq >= chunks) return this.o.onDone();
    const wait = Math.max(0, this.dueAt(this.seq, this.stream) - hrMs());
    this.timer = setTimeout(() => this.wake(), Math.floor(wait));
  }
}

module.exports = { RealTimeLoad };
