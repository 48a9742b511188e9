"use strict";
const assert = require("assert");
const path = require("path");
const { spawn } = require("child_process");
const WebSocket = require("ws");
const { START, within, finalText, tone16 } = require("./helpers");

const CLI = path.join(__dirname, "../../dist/simulator/cli.js");

describe("simulator: CLI", function () {
  let child = null;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    child = null;
  });

  function run(args) {
    child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const exited = new Promise((resolve) => child.once("exit", (code) => resolve({ code, out, err })));
    const banner = new Promise((resolve) => {
      child.stdout.on("data", () => {
        const m = /WebSocket: (ws:\/\/\S+)/.exec(out);
        if (m) resolve({ url: m[1], out });
      });
    });
    return { exited, banner };
  }

  it("serves the script for the given key, says it is a test double, and stops cleanly on SIGTERM", async () => {
    const { banner, exited } = run(["--port", "0", "--key", "k1", "--key", "k2", "--script", "cli works"]);
    const { url, out } = await within(banner, 5000, "the banner");
    assert.match(out, /LOCAL TEST DOUBLE of the Soniox/);
    assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/transcribe-websocket$/);

    const ws = new WebSocket(url, { headers: { Authorization: "Bearer k2" } });
    const messages = [];
    ws.on("message", (d) => messages.push(JSON.parse(d.toString())));
    await within(new Promise((r) => ws.once("open", r)), 2000, "open");
    ws.send(JSON.stringify(START));
    ws.send(tone16(200));
    ws.send("");
    await within(new Promise((r) => ws.once("close", r)), 2000, "close");
    assert.strictEqual(finalText(messages), "cli works");

    child.kill("SIGTERM");
    const { code } = await within(exited, 3000, "exit after SIGTERM");
    assert.strictEqual(code, 0);
  });

  it("exits 1 with a clear message for a bad port", async () => {
    const { exited } = run(["--port", "http"]);
    const { code, err } = await within(exited, 5000, "exit");
    assert.strictEqual(code, 1);
    assert.match(err, /--port must be an integer from 0 to 65535, got "http"/);
  });
});
