"use strict";
// profile-summary.js reads both profiles the bench writes: a CPU profile (samples per node) and a
// sampling heap profile (a tree with bytes per node), and puts each node's weight on its area,
// its function and every calling function once.
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { summarise } = require("../../scripts/bench/profile-summary");

const frame = (functionName, url, lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: "0" });
const PKG = "/x/node_modules/node-red-soniox/dist/core/session/protocol.js";
const NR = "/x/node_modules/@node-red/runtime/lib/nodes/Node.js";

function write(name, profile) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "profile-summary-")), name);
  fs.writeFileSync(file, JSON.stringify(profile));
  return file;
}

describe("bench profile summary", () => {
  it("sums a heap profile's bytes by area, by function and by caller", () => {
    const file = write("a.heapprofile", {
      head: {
        id: 1, callFrame: frame("(root)", ""), selfSize: 0,
        children: [{
          id: 2, callFrame: frame("send", NR, 380), selfSize: 3e6,
          children: [{ id: 3, callFrame: frame("parseServerFrame", PKG, 26), selfSize: 1e6, children: [] }],
        }, {
          // An anonymous input handler is listed among the totals; the builtin under it is not.
          id: 4, callFrame: frame("", PKG, 49), selfSize: 0,
          children: [{ id: 5, callFrame: frame("toString", ""), selfSize: 1e6, children: [] }],
        }],
      },
      samples: [],
    });
    const out = summarise(file, 5);
    assert.match(out, /5\.0 MB allocated \(sampled\)/);
    assert.match(out, /By area \(self allocation\):\n\s+3\.00 MB\s+60\.0%\s+node-red\n\s+1\.00 MB\s+20\.0%\s+this package\n\s+1\.00 MB\s+20\.0%\s+\(native\/vm\)/);
    const totals = out.slice(out.indexOf("by total"));
    assert.match(totals, /4\.00 MB\s+80\.0%\s+send Node\.js:381/);
    assert.match(totals, /1\.00 MB\s+20\.0%\s+\(anonymous\) protocol\.js:50/);
    assert.doesNotMatch(totals, /toString|\(root\)/);
  });

  it("reads a CPU profile as before", () => {
    const file = write("a.cpuprofile", {
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 4] },
        { id: 2, callFrame: frame("send", NR, 380), children: [3] },
        { id: 3, callFrame: frame("parseServerFrame", PKG, 26), children: [] },
        { id: 4, callFrame: frame("(idle)", ""), children: [] },
      ],
      startTime: 0,
      endTime: 4000,
      samples: [2, 3, 3, 4],
    });
    const out = summarise(file, 5);
    assert.match(out, /0\.0 s profiled, 0\.00 s busy/);
    assert.match(out, /By area \(self time\):\n\s+2 ms\s+66\.7%\s+this package\n\s+1 ms\s+33\.3%\s+node-red/);
    assert.match(out, /Top 5 by total time[^]*3 ms\s+100\.0%\s+send Node\.js:381/);
  });
});
