"use strict";
// The bench charges ours' ffmpeg transcoders (and the simulator's decoders) by reading their CPU
// and memory from /proc, since process.cpuUsage() counts only the process itself.
const assert = require("node:assert/strict");
const { spawn } = require("child_process");
const { childCpu, cpuSince, childRss } = require("../../scripts/bench/child-cpu");

describe("bench: CPU and memory of a process's children", function () {
  this.timeout(20000);
  if (process.platform !== "linux") return;

  it("counts what a busy child spends, from a snapshot before it to one after", async () => {
    const before = childCpu();
    // Busy for about 400 ms of CPU, then idle until killed.
    const child = spawn(process.execPath, ["-e", "const t = Date.now(); while (Date.now() - t < 400); setInterval(() => {}, 1000);"]);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const after = childCpu();
      assert.ok(String(child.pid) in after, "the child is found");
      const spent = cpuSince(before, after);
      assert.ok(spent >= 0.2 && spent < 1.5, `children spent ${spent} s`);
      const rss = childRss();
      assert.ok(rss.count >= 1 && rss.bytes > 5 * 1024 * 1024, `children hold ${rss.bytes} bytes in ${rss.count}`);
    } finally {
      child.kill();
    }
  });
});
