"use strict";
// The simulator in a child process, so the soak's heap and handle counts are the client's alone.
const path = require("path");
const { spawn } = require("child_process");

const CLI = path.join(__dirname, "../../dist/simulator/cli.js");

/** Starts `soniox-simulator --port 0`; resolves with its URL and a stop() that waits for exit. */
function spawnSimulator({ key, script }) {
  const child = spawn(process.execPath, [CLI, "--port", "0", "--key", key, "--script", script], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`The simulator process did not start within 5 s: ${err || out}`));
    }, 5000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = /WebSocket: (ws:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.removeAllListeners("data");
        child.stdout.resume();
        resolve({ url: m[1], pid: child.pid, stop });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The simulator process exited with ${code}: ${err || out}`));
    });
  });
}

module.exports = { spawnSimulator };
