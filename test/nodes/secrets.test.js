"use strict";
// The API key must never leave the runtime: not in msgs, statuses, logs, errors, the flows the
// editor downloads or the credentials the editor sees.
const assert = require("assert");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, transcribeFlow, load, collect, waitFor } = require("../support/nodered");

const KEY = "sk-SECRET-7c1e0f5a2b9d4c3e";

describe("API key secrecy", function () {
  this.timeout(15000);
  let sim;
  beforeEach(async function () {
    sim = await startSimulator({ apiKeys: [KEY], script: "open the garage", wordMs: 150 });
    await new Promise((resolve) => helper.startServer(resolve));
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  it("never appears in outputs, errors, statuses, logs, exported flows or editor credentials", async function () {
    const flow = transcribeFlow(sim);
    flow.push({ id: "st", z: "tab", type: "status", scope: null, wires: [["statuses"]] }, { id: "statuses", z: "tab", type: "helper" });
    await load(NODES, flow, { cfg: { apiKey: KEY } });
    const responses = collect("responses");
    const utterances = collect("utterances");
    const caught = collect("caught");
    const statuses = collect("statuses");
    const tx = helper.getNode("tx");
    const pcm = Buffer.alloc(16000 * 2, 0x11);
    tx.receive({ topic: "a", payload: pcm, control: "stop" });
    await waitFor(() => responses.some((m) => m.payload.finished), 8000, "finished");
    tx.receive({ topic: "b", control: "bogus" });
    tx.receive({ topic: "c", payload: pcm, soniox: { api_key: "typed-into-a-msg" } });
    sim.options.apiKeys = ["some-other-key"];
    tx.receive({ topic: "d", payload: pcm });
    await waitFor(() => caught.length === 3, 8000, "three errors");

    // A password credential is what keeps the key out of exported flows and away from the editor,
    // which only ever gets has_apiKey for it.
    assert.deepStrictEqual(helper.credentials.getDefinition("soniox-config"), { apiKey: { type: "password" } });
    const flows = helper._redNodes.getFlows();

    const everything = JSON.stringify({
      seen: [...responses, ...utterances, ...caught, ...statuses],
      logs: helper.log().args,
      flows,
      status: tx.status.args,
    });
    const at = everything.indexOf(KEY);
    assert.ok(at < 0, `the key leaked: ...${everything.slice(Math.max(0, at - 300), at + 40)}`);
    assert.ok(!everything.includes(KEY.slice(3, 20)), "part of the key leaked");
    assert.ok(caught.some((m) => /api_key must not be set in the start message/.test(m.error.message)));
    assert.ok(caught.some((m) => m.soniox && m.soniox.error && m.soniox.error.code === 401));
  });
});
