"use strict";
// `npm start` as a user runs it, for tests: the real scripts/start.js process (simulator, MQTT
// broker and Node-RED) on a given user directory, with every port a free one and no
// SONIOX_API_KEY, so it runs beside a real `npm start` and talks to its own simulator.
const path = require("path");
const { spawn } = require("child_process");

const START = path.resolve(__dirname, "..", "..", "scripts", "start.js");

/** Runs start.js until its Node-RED serves HTTP; resolves to {url, mqttPort, output(), stop()}. */
function start(userDir, args = []) {
  const env = { ...process.env, NR_USER_DIR: userDir, NR_PORT: "0", SONIOX_SIM_PORT: "0", MQTT_PORT: "0" };
  delete env.SONIOX_API_KEY;
  const child = spawn(process.execPath, [START, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.setEncoding("utf8").on("data", (s) => (log += s));
  child.stderr.setEncoding("utf8").on("data", (s) => (log += s));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30000;
    const poll = setInterval(async () => {
      const running = /Server now running at (http:\/\/\S+?)\/?\s*$/m.exec(log);
      const broker = /mosquitto_sub -h 127\.0\.0\.1 -p (\d+)/.exec(log);
      if (running && broker) {
        clearInterval(poll);
        resolve({ url: running[1], mqttPort: Number(broker[1]), output: () => log, stop });
      } else if (child.exitCode !== null || Date.now() > deadline) {
        clearInterval(poll);
        await stop();
        reject(new Error(`npm start did not come up\n--- log ---\n${log.slice(-4000)}`));
      }
    }, 50);
  });
}

module.exports = { start };
