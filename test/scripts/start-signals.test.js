"use strict";
// `npm start` run as a service: the real npm, its script shell, scripts/start.js and Node-RED. A
// service manager stops it by signalling npm's own pid (systemd's SIGTERM, pm2's SIGINT), not the
// whole process group as a terminal's Ctrl-C does; everything must then stop, Node-RED gracefully.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");

const ROOT = path.resolve(__dirname, "..", "..");
// npm's own CLI under this node when run from an npm script, else the npm on PATH.
const NPM = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ["npm", []];

/**
 * Runs `npm start` (without its prestart build: dist is built) in a process group of its own, so
 * that whatever it leaves behind can be found and ended. Resolves once Node-RED serves HTTP.
 */
function npmStart(userDir) {
  const env = { ...process.env, NR_USER_DIR: userDir, NR_PORT: "0", SONIOX_SIM_PORT: "0", MQTT_PORT: "0" };
  delete env.SONIOX_API_KEY;
  const child = spawn(NPM[0], [...NPM[1], "start", "--ignore-scripts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  let open = 2;
  // The pipes close only when every process holding them has gone: npm, the shell, start.js, Node-RED.
  const allGone = new Promise((resolve) => {
    const closed = () => --open === 0 && resolve();
    child.stdout.setEncoding("utf8").on("data", (s) => (log += s)).on("close", closed);
    child.stderr.setEncoding("utf8").on("data", (s) => (log += s)).on("close", closed);
  });
  const npmExit = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  const kill = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // the group is already gone
    }
  };
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60000;
    const poll = setInterval(() => {
      if (/Server now running at http/.test(log)) {
        clearInterval(poll);
        resolve({ pid: child.pid, output: () => log, allGone, npmExit, kill });
      } else if (child.exitCode !== null || Date.now() > deadline) {
        clearInterval(poll);
        kill();
        reject(new Error(`npm start did not come up\n--- log ---\n${log.slice(-4000)}`));
      }
    }, 50);
  });
}

function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe("npm start stopped by a service manager (a signal to npm's pid only)", function () {
  this.timeout(90000);
  let userDir;
  let run = null;

  beforeEach(function () {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "soniox-start-signal-"));
  });

  afterEach(function () {
    if (run) run.kill();
    run = null;
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  for (const signal of ["SIGTERM", "SIGINT"]) {
    it(`${signal}: npm, start.js and Node-RED all end, Node-RED after stopping its flows`, async function () {
      run = await npmStart(userDir);
      process.kill(run.pid, signal);
      // Generous: a graceful stop takes about a second; a wrapper that holds the signal never ends.
      await within(run.npmExit, 20000, `npm still running 20 s after ${signal}\n${run.output().slice(-3000)}`);
      await within(run.allGone, 20000, `npm exited, but what it started was still running 20 s after ${signal}\n${run.output().slice(-3000)}`);
      assert.match(run.output(), /Stopped flows/, "Node-RED stopped its flows rather than being killed");
    });
  }
});
