"use strict";
// What a user would write instead of our nodes: a Node-RED function node using @soniox/node,
// loaded the way Node-RED loads a function node's modules (the node's "Setup" tab, `libs`, with
// functionExternalModules on). Node-RED would npm-install the module into its userDir; the bench
// gives the userDir what that install leaves behind instead — package.json naming the module and
// node_modules/@soniox/node (a link to this repo's copy) — so no network is touched and the
// function node resolves it through Node-RED's own external-module path.
const fs = require("fs");
const path = require("path");
const { frame, startNodeRed, nodeRedContender } = require("../embedded-nr");
const { startFieldsFor } = require("../formats");
const { packageDir, packageVersion } = require("../package-dir");

// "On Start": one client for the node, sessions by msg.topic in node context.
const INITIALIZE = `
context.set("client", new soniox.SonioxNodeClient({ api_key: env.get("SONIOX_API_KEY"), realtime: { ws_base_url: env.get("SONIOX_WS_URL") } }));
context.set("sessions", new Map());
`;

// "On Message": one session per msg.topic; audio held until connected; one msg per result
// (node.send from a callback clones the msg, as it does for every function node a user writes).
// START is the start message of the bench's audio format.
const FUNC = `
const sessions = context.get("sessions");
const key = String(msg.topic);
let s = sessions.get(key);
if (msg.control === "stop") {
  if (s) s.ready.then(() => s.session.finish()).catch((err) => node.error(err.message, { topic: key }));
  return null;
}
if (!s) {
  const session = context.get("client").realtime.stt({ ...START, client_reference_id: msg.soniox?.client_reference_id ?? key });
  s = { session, pending: [] };
  session.on("result", (result) => node.send({ topic: key, payload: result }));
  session.on("finished", () => {
    sessions.delete(key);
    node.send({ topic: key, control: "finished" });
  });
  session.on("error", (err) => node.error(err.message, { topic: key }));
  s.ready = session.connect().then(() => {
    const pending = s.pending;
    s.pending = null;
    for (const chunk of pending) session.sendAudio(chunk);
  });
  s.ready.catch((err) => node.error(err.message, { topic: key }));
  sessions.set(key, s);
}
if (msg.control === "start") return null;
if (s.pending) s.pending.push(msg.payload);
else s.session.sendAudio(msg.payload);
return null;
`;

const FINALIZE = `for (const s of context.get("sessions").values()) s.session.close();`;

function linkSdkIntoUserDir(userDir) {
  const dependencies = { "@soniox/node": packageVersion("@soniox/node") };
  fs.writeFileSync(path.join(userDir, "package.json"), JSON.stringify({ name: "Node-RED-External-Modules", private: true, dependencies }));
  fs.mkdirSync(path.join(userDir, "node_modules", "@soniox"), { recursive: true });
  fs.symlinkSync(packageDir("@soniox/node"), path.join(userDir, "node_modules", "@soniox", "node"), "dir");
}

module.exports = async function createNrSdk(cfg, probe, errors) {
  const finished = new Set();
  const flow = frame([
    {
      id: "x",
      type: "function",
      name: "soniox sdk",
      func: FUNC.replace("START", JSON.stringify(startFieldsFor(cfg.format ?? "pcm"))),
      initialize: INITIALIZE,
      finalize: FINALIZE,
      libs: [{ var: "soniox", module: "@soniox/node" }],
      outputs: 1,
      timeout: 0,
      noerr: 0,
      wires: [["text-sink"]],
    },
  ]);
  flow[0].env = [
    { name: "SONIOX_API_KEY", value: cfg.apiKey, type: "str" },
    { name: "SONIOX_WS_URL", value: cfg.url, type: "str" },
  ];
  const nr = await startNodeRed({
    flow,
    errors,
    prepareUserDir: linkSdkIntoUserDir,
    settings: { functionExternalModules: true },
    onSink: (msg) => {
      if (msg.control === "finished") return finished.add(msg.topic);
      // The SDK keeps the raw response beside its typed tokens; only the raw one has the bench stamp.
      const tokens = msg.payload.raw?.tokens ?? msg.payload.tokens;
      if (tokens?.length > 0) probe.sink(tokens);
    },
  });
  return nodeRedContender({ ...nr, errors, ended: (keys) => keys.every((k) => finished.has(k)) });
};
