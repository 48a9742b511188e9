"use strict";
// What a contender process measures about itself: CPU (user+sys) over a window, memory with the
// garbage collected, and the latency of each response from the simulator's send stamp to the sink.
const v8 = require("node:v8");
const { hrMs } = require("./clock");
const { childCpu, childRss } = require("./child-cpu");

const MARKERS = new Set(["<end>", "<fin>"]);
const YOUNG_SPACES = new Set(["new_space", "new_large_object_space"]);

class Probe {
  constructor() {
    this.latencies = [];
    this.anyTextLatencies = [];
    this.recording = false;
    this.responses = 0;
    this.sinkMessages = 0;
    this.cpuMarks = {};
    this.memMarks = {};
  }

  /**
   * A response or flow message reached the contender's sink carrying these tokens. Latency is kept
   * for two populations: responses carrying final text, which every contender's sink receives (ours
   * passes only those through the token filter), and responses carrying any text. The targets
   * compare the first, so that every contender is measured over the same responses.
   */
  sink(tokens) {
    const now = hrMs();
    this.sinkMessages++;
    if (!this.recording || !Array.isArray(tokens)) return;
    let latency = -1;
    let final = false;
    for (const t of tokens) {
      if (MARKERS.has(t.text)) continue;
      if (latency < 0 && typeof t.bench_sent_ms === "number") latency = now - t.bench_sent_ms;
      if (t.is_final) final = true;
    }
    if (latency < 0) return;
    this.anyTextLatencies.push(latency);
    if (final) this.latencies.push(latency);
  }

  markCpu(name) {
    const u = process.cpuUsage();
    // The children (ours' ffmpeg transcoders) are charged to the contender too, but shown apart.
    this.cpuMarks[name] = { at: hrMs(), cpuMs: (u.user + u.system) / 1000, sysMs: u.system / 1000, children: childCpu() };
  }

  /**
   * Memory after a full collection (the child runs with --expose-gc). The young generation's
   * resident size is kept apart: V8 grows its semi-spaces to their cap once allocation is brisk,
   * whatever the number of sessions, so at 200 streams that alone reads as ~60 KB per session.
   */
  markMemory(name) {
    if (global.gc) {
      global.gc();
      global.gc();
    }
    const m = process.memoryUsage();
    const young = v8.getHeapSpaceStatistics().filter((s) => YOUNG_SPACES.has(s.space_name));
    const youngRss = young.reduce((sum, s) => sum + s.physical_space_size, 0);
    const children = childRss();
    this.memMarks[name] = { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, youngRss, childRss: children.bytes, childCount: children.count };
  }
}

module.exports = { Probe };
