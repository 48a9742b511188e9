"use strict";
// The bench's window profiles: --alloc-prof writes a sampling heap profile that keeps what
// scavenges freed, --alloc-survivors one that leaves it out, --cpu-prof a CPU profile.
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { WindowProfile } = require("../../scripts/bench/window-profile");
const { printCapacityTable } = require("../../scripts/bench/report");

const total = (n) => n.selfSize + n.children.reduce((sum, c) => sum + total(c), 0);

/** Short-lived garbage, freed by scavenges, about `mb` MB of it. */
function churn(mb) {
  let keep = null;
  for (let i = 0; i < mb * 1024; i++) keep = { i, bytes: new Array(120).fill(i) };
  return keep;
}

async function profileOf(kind, dir) {
  const p = new WindowProfile(dir, `t-${kind}`, kind);
  p.start();
  churn(60);
  const file = await p.stop();
  return { file, profile: JSON.parse(fs.readFileSync(file, "utf8")) };
}

describe("bench window profiles", function () {
  this.timeout(30000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "window-profile-"));

  it("alloc keeps what scavenges freed; survivors leaves it out", async () => {
    const alloc = await profileOf("alloc", dir);
    const survivors = await profileOf("survivors", dir);
    assert.match(path.basename(alloc.file), /^t-alloc-\d+\.heapprofile$/);
    assert.match(path.basename(survivors.file), /^t-survivors-\d+\.heapprofile$/);
    // About 60 MB of short-lived objects were made in each window. How much of it a scavenge
    // promotes depends on the heap the rest of the test run left, so the check is on what is missing.
    const [all, kept] = [total(alloc.profile.head), total(survivors.profile.head)];
    assert.ok(all > 30e6, `alloc sampled ${all} bytes`);
    assert.ok(all - kept > 20e6, `survivors sampled ${kept} of alloc's ${all} bytes`);
  });

  it("cpu writes a CPU profile, and no directory means no profile", async () => {
    const cpu = await profileOf("cpu", dir);
    assert.match(path.basename(cpu.file), /\.cpuprofile$/);
    assert.ok(Array.isArray(cpu.profile.samples));
    const off = new WindowProfile(null, "t", "alloc");
    off.start();
    assert.equal(await off.stop(), null);
  });

  it("the capacity table labels rounds and compares each with its own round's floor", () => {
    const search = (contender, round, capacity) => ({ contender, round, capacity, capacityLabel: String(capacity), firstFailing: null, failReason: null, probes: [], searchSeconds: 1 });
    const table = printCapacityTable([search("floor", 1, 800), search("nodered", 1, 400), search("floor", 2, 1000), search("nodered", 2, 400)], true);
    assert.match(table, /\| nodered #1 \| 400\s+\| 0\.50 /);
    assert.match(table, /\| nodered #2 \| 400\s+\| 0\.40 /);
  });
});
