#!/usr/bin/env node
// Summarises a profile of the measured window written by `npm run bench -- --cpu-prof nodered` (where
// the process spent its CPU) or `--alloc-prof nodered` (what it allocated, including what the next
// scavenge freed): by area (this package, Node-RED, ws, Node internals, GC), and by function, self
// and total (self plus callees).
// Usage: node scripts/bench/profile-summary.js <file.cpuprofile | file.heapprofile> [--top 30]
"use strict";
const fs = require("fs");
const path = require("path");

function area(url) {
  if (!url) return "(native/vm)";
  if (url.includes("/dist/")) return "this package";
  if (url.includes("@node-red/") || url.includes("/node-red/")) return "node-red";
  if (url.includes("/node_modules/ws/")) return "ws";
  if (url.startsWith("node:")) return "node internals";
  if (url.includes("/scripts/bench/")) return "bench harness";
  if (url.includes("node_modules")) return "other modules";
  return "other";
}

/** A CPU profile as nodes and a weight per node: samples taken in it. */
function cpuWeights(profile) {
  const weights = new Map();
  for (const id of profile.samples) weights.set(id, (weights.get(id) ?? 0) + 1);
  const totalUs = profile.endTime - profile.startTime;
  const sampleUs = totalUs / Math.max(1, profile.samples.length);
  return {
    nodes: profile.nodes,
    weights,
    heading: (busy) => `${(totalUs / 1e6).toFixed(1)} s profiled, ${((busy * sampleUs) / 1e6).toFixed(2)} s busy`,
    amount: (w) => `${((w * sampleUs) / 1000).toFixed(0).padStart(7)} ms`,
    what: "time",
  };
}

/** A sampling heap profile (a tree) flattened the same way: the weight is bytes allocated in the node. */
function allocWeights(profile) {
  const nodes = [];
  const weights = new Map();
  (function flatten(n) {
    nodes.push({ id: n.id, callFrame: n.callFrame, children: n.children.map((c) => c.id) });
    if (n.selfSize > 0) weights.set(n.id, n.selfSize);
    n.children.forEach(flatten);
  })(profile.head);
  return {
    nodes,
    weights,
    heading: (busy) => `${(busy / 1e6).toFixed(1)} MB allocated (sampled)`,
    amount: (w) => `${(w / 1e6).toFixed(2).padStart(7)} MB`,
    what: "allocation",
  };
}

function summarise(file, top) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8"));
  const { nodes, weights, heading, amount, what } = profile.head ? allocWeights(profile) : cpuWeights(profile);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const label = (n) => {
    const f = n.callFrame;
    const file = f.url ? path.basename(f.url) : "";
    return `${f.functionName || "(anonymous)"} ${file}${file ? `:${f.lineNumber + 1}` : ""}`;
  };
  const self = new Map();
  const total = new Map();
  const areas = new Map();
  let busy = 0;
  for (const [id, count] of weights) {
    const n = byId.get(id);
    const name = n.callFrame.functionName;
    if (name === "(idle)") continue;
    busy += count;
    const key = label(n);
    self.set(key, (self.get(key) ?? 0) + count);
    const a = name === "(garbage collector)" ? "GC" : name === "(program)" ? "(program)" : area(n.callFrame.url);
    areas.set(a, (areas.get(a) ?? 0) + count);
    // Each ancestor function gets the sample once, however deep the recursion.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = label(byId.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + count);
    }
  }
  const pct = (count) => `${((100 * count) / busy).toFixed(1).padStart(5)}%`;
  const lines = [`${path.basename(file)}: ${heading(busy)}`, "", `By area (self ${what}):`];
  for (const [a, c] of [...areas].sort((x, y) => y[1] - x[1])) lines.push(`  ${amount(c)} ${pct(c)}  ${a}`);
  lines.push("", `Top ${top} by self ${what}:`);
  for (const [k, c] of [...self].sort((x, y) => y[1] - x[1]).slice(0, top)) lines.push(`  ${amount(c)} ${pct(c)}  ${k}`);
  lines.push("", `Top ${top} by total ${what} (this package and Node-RED):`);
  // Frames without a script (the root, GC, builtins) are not code anyone can change; anonymous handlers are.
  const ours = [...total].filter(([k]) => !k.endsWith(" ")).sort((x, y) => y[1] - x[1]);
  for (const [k, c] of ours.slice(0, top)) lines.push(`  ${amount(c)} ${pct(c)}  ${k}`);
  return lines.join("\n");
}

function main() {
  const args = process.argv.slice(2);
  const topAt = args.indexOf("--top");
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 30;
  const file = args.find((a, i) => !a.startsWith("--") && i !== topAt + 1);
  if (!file) {
    console.error("Usage: node scripts/bench/profile-summary.js <file.cpuprofile | file.heapprofile> [--top 30]");
    process.exit(1);
  }
  console.log(summarise(file, top));
}

if (require.main === module) main();

module.exports = { summarise };
