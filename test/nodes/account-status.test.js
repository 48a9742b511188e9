"use strict";
// One Soniox account, several nodes: the soniox-config node keeps its users (as Node-RED's MQTT
// broker node does), a rejected key or a used-up balance found by any one of them shows on all of
// them with the reason until a stream succeeds again, and the editor's Check button asks the
// region through an admin route that never sends the key back. Real runtime, real simulator.
const assert = require("assert");
const http = require("http");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, configFor, load, collect, waitFor } = require("../support/nodered");
const { speech } = require("../support/speech");

const KEY = "account-status-key-0123456789";

function transcribe(id) {
  return { id, z: "tab", type: "soniox-transcribe", config: "cfg", audioFormat: "pcm_s16le", sampleRate: 16000, numChannels: 1, idleTimeout: 60, connectTimeout: 5, finishTimeout: 5, wires: [[], []] };
}

function accountFlow(sim) {
  return [
    { id: "tab", type: "tab", label: "account" },
    configFor(sim),
    transcribe("tx1"),
    transcribe("tx2"),
    { id: "mint", z: "tab", type: "soniox-temp-key", config: "cfg", wires: [[]] },
    { id: "st", z: "tab", type: "status", scope: null, wires: [["statuses"]] },
    { id: "statuses", z: "tab", type: "helper" },
  ];
}

/** The last status each node showed. */
function lastStatus(statuses) {
  const last = {};
  for (const m of statuses) last[m.status.source.id] = m.status.text;
  return last;
}

describe("soniox-config: the account's users and their shared status", function () {
  this.timeout(30000);
  let sim;

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  async function run(simOptions) {
    sim = await startSimulator({ apiKeys: [KEY], script: "hello there", wordMs: 100, ...simOptions });
    await new Promise((resolve) => helper.startServer(resolve));
    await load(NODES, accountFlow(sim), { cfg: { apiKey: KEY } });
    return collect("statuses");
  }

  it("keeps its users: every node that uses it registers, and a redeploy leaves none behind", async function () {
    await run({});
    assert.strictEqual(helper.getNode("cfg").account.userCount, 3);
    await helper.setFlows(accountFlow(sim).filter((n) => n.id !== "tx2"), "full", { cfg: { apiKey: KEY } });
    await waitFor(() => helper.getNode("cfg") && helper.getNode("cfg").account.userCount === 2, 5000, "two users after the redeploy");
  });

  it("a rejected key on one stream shows on every node of the account, with the reason, until a stream succeeds again", async function () {
    const statuses = await run({ faults: [{ connection: 0, afterAudioMs: 100, action: "error", code: 401, message: "Invalid API key." }] });
    helper.getNode("tx1").receive({ topic: "a", payload: speech(300) });
    await waitFor(() => {
      const last = lastStatus(statuses);
      return ["tx1", "tx2", "mint"].every((id) => /^key rejected \(401\): Invalid API key\./.test(last[id] || ""));
    }, 8000, "key rejected on tx1, tx2 and the temp-key node");

    helper.getNode("tx2").receive({ topic: "b", payload: speech(600) });
    await waitFor(() => {
      const last = lastStatus(statuses);
      return ["tx1", "tx2", "mint"].every((id) => !/key rejected/.test(last[id] || ""));
    }, 8000, "the problem gone from every node once tx2's stream answered");
    const last = lastStatus(statuses);
    assert.match(last.tx2, /streaming|idle|finishing/);
  });

  it("an exhausted balance found by the temp-key node shows on the transcribe nodes too", async function () {
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(402, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ status_code: 402, error_type: "payment_required", message: "Organization balance exhausted.", validation_errors: [] }));
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      sim = await startSimulator({ apiKeys: [KEY] });
      await new Promise((resolve) => helper.startServer(resolve));
      const flow = accountFlow(sim);
      flow[1].restUrl = `http://127.0.0.1:${server.address().port}`;
      await load(NODES, flow, { cfg: { apiKey: KEY } });
      const statuses = collect("statuses");
      helper.getNode("mint").receive({ payload: "" });
      await waitFor(() => {
        const last = lastStatus(statuses);
        return ["tx1", "tx2", "mint"].every((id) => /^no balance \(402\): Organization balance exhausted\.$/.test(last[id] || ""));
      }, 8000, "no balance on every node");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("soniox-config: the Check button's admin route", function () {
  this.timeout(20000);
  let sim;
  let elsewhere;

  beforeEach(async function () {
    sim = await startSimulator({ apiKeys: [KEY] });
    await new Promise((resolve) => helper.startServer(resolve));
    await load(NODES, accountFlow(sim), { cfg: { apiKey: KEY } });
    elsewhere = { seen: [] };
    elsewhere.server = http.createServer((req, res) => {
      elsewhere.seen.push(req.headers.authorization);
      req.resume();
      res.writeHead(201, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ api_key: "temp:x", expires_at: new Date().toISOString() }));
    });
    await new Promise((resolve) => elsewhere.server.listen(0, "127.0.0.1", resolve));
  });

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
    await new Promise((resolve) => elsewhere.server.close(resolve));
  });

  const check = (body, type = "application/json") =>
    helper.request().post("/soniox-config/cfg/check").set("Content-Type", type).send(type === "application/json" ? JSON.stringify(body) : body);

  it("checks the stored key where the node is deployed (the dialog's unchanged password field), and a typed key where the dialog points", async function () {
    const stored = await check({ apiKey: "__PWRD__", region: "custom", url: sim.url, restUrl: "" });
    assert.strictEqual(stored.status, 200);
    assert.strictEqual(stored.body.outcome, "ok", JSON.stringify(stored.body));
    const typed = await check({ apiKey: "a-wrong-key", region: "custom", url: sim.url });
    assert.strictEqual(typed.body.outcome, "key-rejected");
    for (const res of [stored, typed]) assert.ok(!res.text.includes(KEY) && !res.text.includes("a-wrong-key"), res.text);
  });

  it("an emptied key field checks SONIOX_API_KEY, as the saved node would use it", async function () {
    const saved = process.env.SONIOX_API_KEY;
    try {
      delete process.env.SONIOX_API_KEY;
      assert.strictEqual((await check({ apiKey: "", region: "custom", url: sim.url })).body.outcome, "no-key");
      process.env.SONIOX_API_KEY = "env-key-not-accepted";
      assert.strictEqual((await check({ apiKey: "", region: "custom", url: sim.url })).body.outcome, "key-rejected");
    } finally {
      if (saved === undefined) delete process.env.SONIOX_API_KEY;
      else process.env.SONIOX_API_KEY = saved;
    }
  });

  it("never sends the stored key to an address the dialog was changed to: the key must be typed again", async function () {
    const res = await check({ apiKey: "__PWRD__", region: "custom", url: sim.url, restUrl: `http://127.0.0.1:${elsewhere.server.address().port}` });
    assert.strictEqual(res.body.outcome, "retype-key");
    assert.deepStrictEqual(elsewhere.seen, [], "nothing reached the other address");
    const typed = await check({ apiKey: "typed-key", region: "custom", url: sim.url, restUrl: `http://127.0.0.1:${elsewhere.server.address().port}` });
    assert.strictEqual(typed.body.outcome, "ok");
    assert.deepStrictEqual(elsewhere.seen, ["Bearer typed-key"]);
  });

  it("takes JSON only (a form on another site cannot post it), and says what is wrong with the settings", async function () {
    const form = await check("region=custom&restUrl=http%3A%2F%2F127.0.0.1%3A1", "application/x-www-form-urlencoded");
    assert.strictEqual(form.status, 415);
    const bad = await check({ apiKey: "typed-key", region: "custom", url: "http://example.com/x" });
    assert.strictEqual(bad.body.outcome, "invalid-config");
    assert.match(bad.body.detail, /must start with wss:\/\//);
  });
});
