"use strict";
// A profile of the measured window only (--cpu-prof, --alloc-prof): a whole-process profile is
// mostly module loading and stream set-up, which hides the steady state the figures are about.
const fs = require("node:fs");
const path = require("node:path");
const inspector = require("node:inspector");

/**
 * "alloc": every allocation sampled, also what the next scavenge frees (GC work follows what a path
 * allocates, and V8's default reports only what is still alive at the end). "survivors": what no
 * scavenge freed, i.e. what was promoted to the old generation, the work of full collections.
 */
const sampling = (minor) => ({ samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: minor });
const heap = (minor) => ({ ext: "heapprofile", enable: "HeapProfiler.enable", start: ["HeapProfiler.startSampling", sampling(minor)], stop: "HeapProfiler.stopSampling" });

const KINDS = {
  cpu: { ext: "cpuprofile", enable: "Profiler.enable", start: ["Profiler.start"], stop: "Profiler.stop" },
  alloc: heap(true),
  survivors: heap(false),
};

class WindowProfile {
  /** @param {string | null} dir  @param {string} name  @param {"cpu" | "alloc" | "survivors"} kind */
  constructor(dir, name, kind = "cpu") {
    this.kind = KINDS[kind];
    this.file = dir ? path.join(dir, `${name}-${Date.now()}.${this.kind.ext}`) : null;
    this.session = null;
  }

  start() {
    if (!this.file) return;
    this.session = new inspector.Session();
    this.session.connect();
    this.session.post(this.kind.enable);
    this.session.post(...this.kind.start);
  }

  /** Writes the profile; resolves with its path (null when not profiling). */
  stop() {
    if (!this.session) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.session.post(this.kind.stop, (err, { profile } = {}) => {
        this.session.disconnect();
        if (err) return reject(err);
        fs.mkdirSync(path.dirname(this.file), { recursive: true });
        fs.writeFileSync(this.file, JSON.stringify(profile));
        resolve(this.file);
      });
    });
  }
}

module.exports = { WindowProfile };
