"use strict";
// Garbage collection over the measured window of a contender process: pauses from perf_hooks 'gc'
// entries (what the event loop lost), and bytes allocated on the JS heap, from v8.GCProfiler's
// heap sizes before and after each collection (heap used only grows between collections, so the
// growth between one collection's end and the next one's start is what was allocated).
const { PerformanceObserver } = require("perf_hooks");
const v8 = require("v8");

// perf_hooks.constants.NODE_PERFORMANCE_GC_*: which collector paused, so a p99 spike can be put on
// a young-generation scavenge or a full mark-sweep.
const { constants } = require("perf_hooks");
const KIND_NAMES = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "scavenge",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "mark-sweep",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak-callbacks",
};

class GcWindow {
  start() {
    this.pauses = [];
    this.kinds = {};
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) this.record(e);
    });
    this.observer.observe({ entryTypes: ["gc"] });
    this.profiler = typeof v8.GCProfiler === "function" ? new v8.GCProfiler() : null;
    this.profiler?.start();
    this.heapAtStart = v8.getHeapStatistics().used_heap_size;
  }

  record(e) {
    this.pauses.push(e.duration);
    const kind = KIND_NAMES[e.detail?.kind] ?? "other";
    const k = (this.kinds[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    k.count++;
    k.totalMs += e.duration;
    k.maxMs = Math.max(k.maxMs, e.duration);
  }

  /** @returns {{count: number, totalPauseMs: number, maxPauseMs: number, allocatedBytes: number | null}} */
  stop() {
    // Entries not yet delivered to the callback would be lost by disconnect.
    for (const e of this.observer.takeRecords?.() ?? []) this.record(e);
    this.observer.disconnect();
    const heapAtEnd = v8.getHeapStatistics().used_heap_size;
    let allocatedBytes = null;
    const profile = this.profiler?.stop();
    if (profile) {
      let after = this.heapAtStart;
      allocatedBytes = 0;
      for (const s of profile.statistics) {
        allocatedBytes += Math.max(0, s.beforeGC.heapStatistics.usedHeapSize - after);
        after = s.afterGC.heapStatistics.usedHeapSize;
      }
      allocatedBytes += Math.max(0, heapAtEnd - after);
    }
    return {
      count: this.pauses.length,
      totalPauseMs: this.pauses.reduce((a, b) => a + b, 0),
      maxPauseMs: this.pauses.length ? Math.max(...this.pauses) : 0,
      allocatedBytes,
      kinds: this.kinds,
    };
  }
}

module.exports = { GcWindow };
