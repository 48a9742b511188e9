"use strict";
// The embedded Node-RED every in-Node-RED contender runs in: require("node-red") as a user's
// Node-RED loads packages, this package and the bench nodes (scripts/bench/nr-nodes) on its node
// path, and the same frame around the node under test: bench-source → X → bench-sink, with a
// catch node and a status node feeding sinks of their own, so errors are counted, not lost.
const fs = require("fs");
const os = require("os");
const path = require("path");
const http = require("http");
const hooks = require("./nr-hooks");
const { sleep } = require("./clock");

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The frame around `middle` (nodes whose entry node has id "x" and whose exit wires to "text-sink").
 * Ids differ from names and types: Node-RED reads a property equal to a node id as a config reference.
 */
function frame(middle, statusScope) {
  return [
    { id: "tab", type: "tab", label: "bench" },
    { id: "src", z: "tab", type: "bench-source", wires: [["x"]] },
    ...middle.map((n) => ({ z: n.type.endsWith("-config") ? undefined : "tab", ...n })),
    { id: "text-sink", z: "tab", type: "bench-sink", name: "sink", wires: [] },
    { id: "error-catch", z: "tab", type: "catch", scope: null, uncaught: false, wires: [["error-sink"]] },
    { id: "error-sink", z: "tab", type: "bench-sink", name: "errors", wires: [] },
    { id: "x-status", z: "tab", type: "status", scope: statusScope ?? ["x"], wires: [["status-sink"]] },
    { id: "status-sink", z: "tab", type: "bench-sink", name: "status", wires: [] },
  ];
}

/**
 * Starts Node-RED on `flow` and returns the bench-source node and a stop function.
 * @param {{flow: object[], credentials?: object, errors: {push(m: string): void}, onSink: (msg: object) => void,
 *   onStatus?: (text: string) => void, prepareUserDir?: (dir: string) => void, settings?: object}} o
 */
async function startNodeRed(o) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "soniox-bench-nr-"));
  fs.writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(o.flow));
  fs.writeFileSync(path.join(userDir, "flows_cred.json"), JSON.stringify(o.credentials ?? {}));
  o.prepareUserDir?.(userDir);
  hooks.source = null;
  hooks.onSink = (name, msg) => {
    if (name === "sink") o.onSink(msg);
    else if (name === "errors") o.errors.push(`${msg.topic ?? "-"}: ${msg.error?.message ?? msg.payload?.message ?? "error"}`);
    else if (name === "status") o.onStatus?.(String(msg.status?.text ?? ""));
  };

  const RED = require("node-red");
  RED.init(http.createServer(), {
    userDir,
    flowFile: "flows.json",
    credentialSecret: false,
    nodesDir: [ROOT, path.join(__dirname, "nr-nodes")],
    httpAdminRoot: false,
    httpNodeRoot: false,
    disableEditor: true,
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    // Never reach for npm during a bench: a module a flow needs must already be in the userDir.
    externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
    editorTheme: { tours: false, projects: { enabled: false } },
    logging: { console: { level: "error", metrics: false, audit: false } },
    ...o.settings,
  });
  await RED.start();
  for (let i = 0; i < 200 && !hooks.source; i++) await sleep(25);
  if (!hooks.source) throw new Error("Node-RED started but the bench flow did not: is dist/ built (npm run build)?");
  await sleep(200);
  return {
    source: hooks.source,
    async stop() {
      await RED.stop();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/**
 * The contender face shared by the in-Node-RED contenders: one msg per chunk with msg.topic as the
 * stream key, and control "start"/"stop" msgs; `ended(keys)` says when the stopped streams are done.
 */
function nodeRedContender({ source, stop, errors, ended }) {
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
      while (Date.now() < until && !ended(keys)) await sleep(50);
      return { ended: ended(keys), of: keys.length };
    },
    close: stop,
  };
}

module.exports = { frame, startNodeRed, nodeRedContender };
