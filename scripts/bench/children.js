"use strict";
// Starting bench child processes and waiting for their IPC messages with a bound, so a stuck
// child ends the run with a message instead of hanging it.
const { fork } = require("child_process");

/** Forks `script` with `config` as its JSON argument; the child's stderr passes through. */
function start(script, config, execArgv = []) {
  const child = fork(script, [JSON.stringify(config)], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  child.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  // A send racing the child's own exit fails with EPIPE; the exit is what matters, not the send.
  child.on("error", () => {});
  return child;
}

/** Resolves with the next message of `type` (or rejects on "failed", exit or timeout). */
function next(child, type, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    const onMessage = (msg) => {
      if (msg.type === type) finish(null, msg);
      else if (msg.type === "failed") finish(new Error(`${what}: ${msg.error}`));
    };
    const onExit = (code) => finish(new Error(`${what}: the process exited (code ${code}) first`));
    function finish(err, msg) {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (err) reject(err);
      else resolve(msg);
    }
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/** Stops a child we started: politely over IPC if it listens, then by its pid. */
async function stop(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.send({ type: "stop" }, () => {});
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await child.exited;
  clearTimeout(timer);
}

module.exports = { start, next, stop };
