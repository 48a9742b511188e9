"use strict";
// A CPU profile of the measured window only (--cpu-prof): a whole-process profile is mostly
// module loading and stream set-up, which hides the steady state the CPU figures are about.
const fs = require("node:fs");
const path = require("node:path");
const inspector = require("node:inspector");

class WindowProfile {
  constructor(dir, name) {
    this.file = dir ? path.join(dir, `${name}-${Date.now()}.cpuprofile`) : null;
    this.session = null;
  }

  start() {
    if (!this.file) return;
    this.session = new inspector.Session();
    this.session.connect();
    this.session.post("Profiler.enable");
    this.session.post("Profiler.start");
  }

  /** Writes the profile; resolves with its path (null when not profiling). */
  stop() {
    if (!this.session) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.session.post("Profiler.stop", (err, { profile } = {}) => {
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
