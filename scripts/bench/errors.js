"use strict";
// Errors a contender met during a run, counted rather than listed: at 1000 streams one failure
// mode can repeat tens of thousands of times, and the count is what decides "no errors".

class ErrorLog {
  constructor(keep = 20) {
    this.keep = keep;
    this.count = 0;
    this.samples = [];
    /** @type {Map<string, number>} message without its "<stream key>: " prefix → count */
    this.kinds = new Map();
  }

  push(message) {
    const text = String(message);
    this.count++;
    if (this.samples.length < this.keep) this.samples.push(text);
    const kind = text.replace(/^[\w-]+: /, "").slice(0, 160);
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
  }

  get length() {
    return this.count;
  }

  toJSON() {
    const kinds = [...this.kinds].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([kind, count]) => ({ kind, count }));
    return { count: this.count, kinds, samples: this.samples };
  }
}

module.exports = { ErrorLog };
