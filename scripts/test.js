#!/usr/bin/env node
"use strict";
// `npm test` after the build: the whole suite on this machine's Node with Node-RED 4.1 (the
// devDependency), then the flow and example tests (test/nodes) again in Node-RED 5 on Node 22,
// both from tools/node-red-5 (its own npm project, installed here on first use with npm ci, so
// its `node` binary never shadows the system one in this package's npm scripts). Each leg prints
// mocha's "N passed, N failed, N skipped"; the last line is the total, and the exit code fails
// when either leg fails.
const fs = require("fs");
const path = require("path");
const { spawn, spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..");
const MOCHA = require.resolve("mocha/bin/mocha.js");
const NR5 = path.join(ROOT, "tools", "node-red-5");
const NODE22 = path.join(NR5, "node_modules", "node", "bin", "node");
const SUMMARY = /^(\d+) passed, (\d+) failed, (\d+) skipped$/;

/** Installs tools/node-red-5 when it is missing or not what its package.json pins. */
function ensureNodeRed5() {
  const want = require(path.join(NR5, "package.json")).dependencies;
  const installed = (name) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(NR5, "node_modules", name, "package.json"), "utf8")).version;
    } catch {
      return null;
    }
  };
  if (installed("node-red") === want["node-red"] && installed("node") === want.node && fs.existsSync(NODE22)) return;
  console.log(`Installing Node-RED ${want["node-red"]} and Node ${want.node} into tools/node-red-5 (npm ci)`);
  // npm's own CLI under the running node, so this works the same inside and outside npm scripts.
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ["npm", []];
  const r = spawnSync(npm[0], [...npm[1], "ci", "--no-audit", "--no-fund", "--prefix", NR5], { stdio: "inherit", cwd: ROOT });
  if (r.status !== 0) throw new Error(`npm ci --prefix tools/node-red-5 failed (${r.status ?? r.signal})`);
}

/** Runs mocha under `node`, passing its output through; resolves to {code, summary, ms}. */
function leg(node, args, env) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(node, [MOCHA, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let last = null;
    let pending = "";
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop();
      for (const line of lines) if (SUMMARY.test(line.trim())) last = line.trim();
    });
    child.on("close", (code, signal) => {
      if (SUMMARY.test(pending.trim())) last = pending.trim();
      resolve({ code: code ?? signal, summary: last, ms: Date.now() - started });
    });
  });
}

async function main() {
  const extra = process.argv.slice(2);
  const results = [];
  results.push({ name: `Node-RED ${require("node-red/package.json").version} on Node ${process.versions.node}`, ...(await leg(process.execPath, extra, {})) });

  let nr5;
  try {
    ensureNodeRed5();
    const version = require(path.join(NR5, "node_modules", "node-red", "package.json")).version;
    const nodeVersion = spawnSync(NODE22, ["-p", "process.versions.node"], { encoding: "utf8" }).stdout.trim();
    console.log(`\n=== Node-RED ${version} on Node ${nodeVersion}: test/nodes ===`);
    nr5 = { name: `Node-RED ${version} on Node ${nodeVersion}`, ...(await leg(NODE22, ["--config", path.join(ROOT, ".mocharc.nr5.json"), ...extra], { NODE_RED_RUNTIME: "5" })) };
  } catch (err) {
    console.error(`Node-RED 5 leg could not run: ${err.message}`);
    nr5 = { name: "Node-RED 5", code: 1, summary: null, ms: 0 };
  }
  results.push(nr5);

  const total = [0, 0, 0];
  console.log("");
  for (const r of results) {
    const m = r.summary && SUMMARY.exec(r.summary);
    if (m) for (let i = 0; i < 3; i++) total[i] += Number(m[i + 1]);
    else total[1] += 1; // a leg without a summary line crashed: count it as a failure
    console.log(`${r.name}: ${r.summary || "no summary (crashed)"}, exit ${r.code}, ${(r.ms / 1000).toFixed(1)} s`);
  }
  const failed = results.some((r) => r.code !== 0 || !r.summary);
  console.log(`${total[0]} passed, ${total[1]} failed, ${total[2]} skipped`);
  process.exit(failed ? 1 : 0);
}

main();
