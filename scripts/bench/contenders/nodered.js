"use strict";
// Node-RED: an embedded runtime (require("node-red"), as a user's Node-RED loads this package from
// its package.json) running bench-source → soniox-transcribe → soniox-token-filter (text) →
// bench-sink, with catch and status nodes feeding sinks for errors and the stream count.
const fs = require("fs");
const os = require("os");
const path = require("path");
const http = require("http");
const hooks = require("../nr-hooks");
const { sleep } = require("../clock");

const ROOT = path.resolve(__dirname, "..", "..", "..");

function flowFor(cfg) {
  return [
    { id: "tab", type: "tab", label: "bench" },
    { id: "cfg", type: "soniox-config", name: "simulator", region: "custom", url: cfg.url, authMethod: "header" },
    { id: "src", z: "tab", type: "bench-source", wires: [["tx"]] },
    {
      id: "tx",
      z: "tab",
      type: "soniox-transcribe",
      config: "cfg",
      audioFormat: "pcm_s16le",
      sampleRate: 16000,
      numChannels: 1,
      enableEndpointDetection: true,
      streamKeyProperty: "topic",
      maxStreams: Math.min(1000, Math.max(10, cfg.streams ?? 0, 2 * (cfg.samples ?? 0))),
      idleTimeout: 60,
      keepaliveInterval: 8,
      pacing: true,
      maxQueueMb: 16,
      connectTimeout: 10,
      finishTimeout: 10,
      wires: [["tf"], []],
    },
    { id: "tf", z: "tab", type: "soniox-token-filter", mode: "text", maxStreams: Math.max(100, cfg.streams ?? 0, 2 * (cfg.samples ?? 0)), wires: [["text-sink"]] },
    // Ids differ from names and types: Node-RED reads a property equal to a node id as a config reference.
    { id: "text-sink", z: "tab", type: "bench-sink", name: "sink", wires: [] },
    { id: "error-catch", z: "tab", type: "catch", scope: null, uncaught: false, wires: [["error-sink"]] },
    { id: "error-sink", z: "tab", type: "bench-sink", name: "errors", wires: [] },
    { id: "tx-status", z: "tab", type: "status", scope: ["tx"], wires: [["status-sink"]] },
    { id: "status-sink", z: "tab", type: "bench-sink", name: "status", wires: [] },
  ];
}

module.exports = async function createNodeRed(cfg, probe) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "soniox-bench-nr-"));
  fs.writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(flowFor(cfg)));
  fs.writeFileSync(path.join(userDir, "flows_cred.json"), JSON.stringify({ cfg: { apiKey: cfg.apiKey } }));
  const errors = [];
  let lastStatus = "";
  hooks.onSink = (name, msg) => {
    if (name === "sink") probe.sink(msg.tokens);
    else if (name === "errors") errors.length < 50 && errors.push(String(msg.error?.message ?? msg.payload?.message));
    else if (name === "status") lastStatus = String(msg.status?.text ?? "");
  };

  const RED = require("node-red");
  const server = http.createServer();
  RED.init(server, {
    userDir,
    flowFile: "flows.json",
    credentialSecret: false,
    nodesDir: [ROOT, path.join(__dirname, "..", "nr-nodes")],
    httpAdminRoot: false,
    httpNodeRoot: false,
    disableEditor: true,
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    editorTheme: { tours: false, projects: { enabled: false } },
    logging: { console: { level: "error", metrics: false, audit: false } },
  });
  await RED.start();
  for (let i = 0; i < 200 && !hooks.source; i++) await sleep(25);
  if (!hooks.source) throw new Error("Node-RED started but the bench flow did not: is dist/ built (npm run build)?");
  await sleep(200);
  const source = hooks.source;
  const started = new Set();

  return {
    errors,
    audio(key, chunk) {
      if (started.has(key)) return source.send({ topic: key, payload: chunk });
      started.add(key);
      source.send({ topic: key, payload: chunk, soniox: { client_reference_id: key } });
    },
    async preconnect(key) {
      started.add(key);
      source.send({ topic: key, control: "start", soniox: { client_reference_id: key } });
    },
    async endAll(keys, timeoutMs) {
      for (const key of keys) source.send({ topic: key, control: "stop" });
      const until = Date.now() + timeoutMs;
      while (Date.now() < until && lastStatus !== "idle") await sleep(50);
      return { finished: null, of: keys.length, status: lastStatus };
    },
    async close() {
      await RED.stop();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
};
