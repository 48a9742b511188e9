"use strict";
// examples/flows.json is what users import first: load it whole into the real runtime and run
// its flows against the simulator, so the examples can never rot.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, load, waitFor } = require("../support/nodered");

const CORE = ["common/20-inject.js", "common/21-debug.js", "common/90-comment.js", "function/15-change.js", "function/10-switch.js", "function/10-function.js", "storage/10-file.js", "network/10-mqtt.js", "network/22-websocket.js", "network/21-httpin.js", "function/80-template.js"]
  .map((p) => require(`@node-red/nodes/core/${p}`));
const FIXTURE_WAV = path.join(__dirname, "..", "fixtures", "audio", "speech-16k-mono.wav");
const TRANSCRIPT = fs.readFileSync(path.join(__dirname, "..", "fixtures", "audio", "transcript.txt"), "utf8").trim();
const KEY = "example-key";

function examples() {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", "flows.json"), "utf8"));
}

/** Points the example's config node at the simulator and taps a node's outputs with helper nodes. */
function prepare(flow, sim, taps) {
  for (const n of flow) if (n.type === "soniox-config") Object.assign(n, { region: "custom", url: sim.url });
  for (const [nodeId, port, helperId] of taps) {
    const node = flow.find((n) => n.id === nodeId);
    node.wires[port].push(helperId);
    flow.push({ id: helperId, z: node.z, type: "helper" });
  }
  return flow;
}

describe("examples/flows.json", function () {
  this.timeout(30000);
  let sim;

  beforeEach(async function () {
    sim = await startSimulator({ apiKeys: [KEY], script: TRANSCRIPT, wordMs: 150 });
    process.env.SONIOX_EXAMPLE_WAV = FIXTURE_WAV;
    await new Promise((resolve) => helper.startServer(resolve));
  });

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
    delete process.env.SONIOX_EXAMPLE_WAV;
  });

  it("loads every node of every example flow", async function () {
    const flow = prepare(examples(), sim, []);
    await load([...NODES, ...CORE], flow, { "ex-soniox-config": { apiKey: KEY } });
    for (const n of flow) {
      if (n.type === "tab") continue;
      assert.ok(helper.getNode(n.id), `example node ${n.id} (${n.type}) did not start`);
    }
  });

  it("WAV file example: streams the file paced by its header and prints tokens, utterances and finished", async function () {
    const flow = prepare(examples(), sim, [
      ["ex-wav-transcribe", 0, "tap-responses"],
      ["ex-wav-transcribe", 1, "tap-utterances"],
    ]);
    await load([...NODES, ...CORE], flow, { "ex-soniox-config": { apiKey: KEY } });
    const responses = [];
    const utterances = [];
    helper.getNode("tap-responses").on("input", (m) => responses.push(m));
    helper.getNode("tap-utterances").on("input", (m) => utterances.push(m));
    helper.getNode("ex-wav-inject").receive({});
    await waitFor(() => responses.some((m) => m.payload.finished), 20000, "finished");
    const conn = sim.connections[0];
    assert.strictEqual(conn.startMessage.audio_format, "auto");
    assert.ok(conn.receivedAudio().equals(fs.readFileSync(FIXTURE_WAV)), "the whole file, header included, reached Soniox");
    assert.ok(conn.maxLeadMs <= 800, `paced at real time (lead ${conn.maxLeadMs} ms)`);
    assert.ok(responses.some((m) => m.payload.non_final_text !== ""), "non-final tokens were shown");
    assert.strictEqual(responses.map((m) => m.payload.final_text).join("").trim(), TRANSCRIPT);
    assert.strictEqual(utterances.map((m) => m.payload).join(" "), TRANSCRIPT);
    assert.ok(responses.every((m) => m.topic === "wav-demo"));
  });
});
