"use strict";
// Leak probes for the soak suites: heap after a full GC, active handles by kind, child processes.
const { execFileSync } = require("child_process");
const v8 = require("v8");
const vm = require("vm");

/**
 * The garbage collector, without needing `node --expose-gc`: the flag can be switched on at run
 * time, and a fresh context then sees `gc`.
 */
function collector() {
  if (typeof global.gc === "function") return global.gc;
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc");
}

const gc = collector();

/** Heap in use after two full collections (the second frees what finalizers released). */
async function settledHeap() {
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

/** Active handles (sockets, timers, servers, child processes) grouped by kind. */
function handles() {
  const byKind = {};
  const list = process._getActiveHandles();
  for (const h of list) {
    const kind = h && h.constructor ? h.constructor.name : typeof h;
    byKind[kind] = (byKind[kind] || 0) + 1;
  }
  return { count: list.length, byKind };
}

/** PIDs of this process's children (ffmpeg probes, for instance). */
function childPids() {
  try {
    return execFileSync("pgrep", ["-P", String(process.pid)], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch (err) {
    if (err.status === 1) return []; // pgrep: nothing matched
    throw err;
  }
}

/** Polls until `read()` satisfies `ok`, or returns the last reading after `ms`. */
async function settle(read, ok, ms) {
  const until = Date.now() + ms;
  let value = read();
  while (!ok(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = read();
  }
  return value;
}

/** Waits (at most `ms`) until the active handle count has not changed for `quietMs`; returns it. */
async function steadyHandles(quietMs, ms) {
  const until = Date.now() + ms;
  let last = handles().count;
  let since = Date.now();
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = handles().count;
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
  }
  return handles();
}

/**
 * node-red-node-test-helper spies (sinon) on Node.prototype.send, status, warn, error and log and
 * keeps every call with its arguments: that record grows with every message and would read as a
 * leak of the code under test. Forget it before measuring.
 */
function forgetHelperSpyCalls(helper) {
  if (!helper._sandbox || typeof helper._sandbox.resetHistory !== "function") {
    throw new Error("node-red-node-test-helper no longer exposes its sinon sandbox (_sandbox): update forgetHelperSpyCalls");
  }
  helper._sandbox.resetHistory();
}

const mb = (bytes) => `${(bytes / 1048576).toFixed(2)} MB`;

module.exports = { forgetHelperSpyCalls, gc, settledHeap, handles, steadyHandles, childPids, settle, mb };
