#!/usr/bin/env node
"use strict";
// `npm test` after the build: the whole suite on this machine's Node with Node-RED 4.1 (the
// devDependency), then the flow and example tests (test/nodes) again in Node-RED 5 on Node 22 and
// in Node-RED 4.0 on Node 18 (the oldest the package claims), each from its own npm project under
// tools/ (installed here with npm ci when missing, so its `node` binary never shadows the system
// one in this package's npm scripts). Each leg prints mocha's "N passed, N failed, N skipped"; the
// last line is the total, and the exit code fails when any leg fails.
const fs = require("fs");
const path = require("path");
const { spawn, spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..");
const MOCHA = require.resolve("mocha/bin/mocha.js");
const SUMMARY = /^(\d+) passed, (\d+) failed, (\d+) skipped$/;
const { FAILED } = require("../test/support/summary-reporter.js");
const NODES_CONFIG = path.join(ROOT, ".mocharc.nr5.json");
/** The other runtimes' legs: NODE_RED_RUNTIME, their tools/ folder, and the mocha they run. */
const TOOLS = [
  { runtime: "5", dir: path.join(ROOT, "tools", "node-red-5"), mocha: MOCHA },
  // mocha 12 needs Node 20.19, so this project brings mocha 11 for Node 18.
  { runtime: "4.0", dir: path.join(ROOT, "tools", "node-red-4.0"), mocha: path.join(ROOT, "tools", "node-red-4.0", "node_modules", "mocha", "bin", "mocha.js") },
];
const nodeOf = (tool) => path.join(tool.dir, "node_modules", "node", "bin", "node");

/** Installs a tools/ project when it is missing or not what its package.json pins. */
function ensureTool(tool) {
  const want = require(path.join(tool.dir, "package.json")).dependencies;
  const installed = (name) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(tool.dir, "node_modules", name, "package.json"), "utf8")).version;
    } catch {
      return null;
    }
  };
  if (Object.entries(want).every(([name, version]) => installed(name) === version) && fs.existsSync(nodeOf(tool))) return;
  const folder = path.relative(ROOT, tool.dir);
  console.log(`Installing ${Object.entries(want).map(([n, v]) => `${n} ${v}`).join(", ")} into ${folder} (npm ci)`);
  // npm's own CLI under the running node, so this works the same inside and outside npm scripts.
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ["npm", []];
  // --loglevel=error: the npm running here is the machine's (Node 20), so it warns EBADENGINE for a
  // Node-RED that asks for Node 22, although that Node-RED only ever runs on the Node 22 it installs
  // beside it; a user running npm test would take the warning for trouble. Errors still print.
  const r = spawnSync(npm[0], [...npm[1], "ci", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", tool.dir], { stdio: "inherit", cwd: ROOT });
  if (r.status !== 0) throw new Error(`npm ci --prefix ${folder} failed (${r.status ?? r.signal})`);
}

/** Runs mocha under `node`, passing its output through; resolves to {code, summary, ms}. */
function leg(node, args, env, mocha = MOCHA) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(node, [mocha, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let last = null;
    let pending = "";
    const failures = [];
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop();
      for (const line of lines) {
        if (SUMMARY.test(line.trim())) last = line.trim();
        if (line.startsWith(FAILED)) failures.push(line);
      }
    });
    child.on("close", (code, signal) => {
      if (SUMMARY.test(pending.trim())) last = pending.trim();
      resolve({ code: code ?? signal, summary: last, failures, ms: Date.now() - started });
    });
  });
}

async function main() {
  const extra = process.argv.slice(2);
  const results = [];
  // Before the first leg: its pack-and-install test starts every runtime.
  let toolsError = null;
  try {
    TOOLS.forEach(ensureTool);
  } catch (err) {
    toolsError = err;
    console.error(`${err.message}: the legs that need it fail`);
  }
  results.push({ name: `Node-RED ${require("node-red/package.json").version} on Node ${process.versions.node}`, ...(await leg(process.execPath, extra, {})) });

  for (const tool of TOOLS) {
    if (toolsError) {
      results.push({ name: `Node-RED ${tool.runtime}`, code: 1, summary: null, ms: 0 });
      continue;
    }
    const version = require(path.join(tool.dir, "node_modules", "node-red", "package.json")).version;
    const nodeVersion = spawnSync(nodeOf(tool), ["-p", "process.versions.node"], { encoding: "utf8" }).stdout.trim();
    console.log(`\n=== Node-RED ${version} on Node ${nodeVersion}: test/nodes ===`);
    const args = ["--config", NODES_CONFIG, ...extra];
    results.push({ name: `Node-RED ${version} on Node ${nodeVersion}`, ...(await leg(nodeOf(tool), args, { NODE_RED_RUNTIME: tool.runtime }, tool.mocha)) });
  }

  const total = [0, 0, 0];
  console.log("");
  for (const r of results) {
    const m = r.summary && SUMMARY.exec(r.summary);
    if (m) for (let i = 0; i < 3; i++) total[i] += Number(m[i + 1]);
    else total[1] += 1; // a leg without a summary line crashed: count it as a failure
    console.log(`${r.name}: ${r.summary || "no summary (crashed)"}, exit ${r.code}, ${(r.ms / 1000).toFixed(1)} s`);
    for (const line of r.failures || []) console.log(`  ${line}`);
  }
  const failed = results.some((r) => r.code !== 0 || !r.summary);
  console.log(`${total[0]} passed, ${total[1]} failed, ${total[2]} skipped`);
  process.exit(failed ? 1 : 0);
}

main();
