"use strict";
// soniox-temp-key in the real Node-RED runtime, minting from the simulator's REST route.
const assert = require("assert");
const WebSocket = require("ws");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, load, collect, waitFor } = require("../support/nodered");

const KEY = "long-lived-node-key";

function flow(sim, props = {}, cfgProps = {}) {
  return [
    { id: "tab", type: "tab", label: "test" },
    { id: "cfg", type: "soniox-config", region: "custom", url: sim.url, ...cfgProps },
    { id: "mint", z: "tab", type: "soniox-temp-key", config: "cfg", expiresIn: 60, singleUse: true, maxSessionDuration: "", clientReferenceId: "", ...props, wires: [["out"]] },
    { id: "out", z: "tab", type: "helper" },
    { id: "catcher", z: "tab", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
    { id: "caught", z: "tab", type: "helper" },
  ];
}

/** Opens a stream with a key the way a server-side client would (Authorization header). */
function openWith(sim, key) {
  return new Promise((resolve) => {
    const ws = new WebSocket(sim.url, { headers: { Authorization: `Bearer ${key}` } });
    ws.on("open", () => ws.send(JSON.stringify({ model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 })));
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data));
      if (msg.error_code) resolve({ error: msg.error_code, ws });
    });
    ws.on("unexpected-response", (req, res) => resolve({ error: res.statusCode, ws }));
    ws.on("error", () => {});
    setTimeout(() => resolve({ error: null, ws }), 400);
  });
}

describe("soniox-temp-key node", function () {
  this.timeout(10000);
  let sim;
  const sockets = [];

  beforeEach(async function () {
    sim = await startSimulator({ apiKeys: [KEY] });
    await new Promise((resolve) => helper.startServer(resolve));
  });

  afterEach(async function () {
    for (const ws of sockets.splice(0)) ws.terminate();
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  it("mints a single-use key that opens one stream, and sends the region's WebSocket URL with it", async function () {
    await load(NODES, flow(sim), { cfg: { apiKey: KEY } });
    const out = collect("out");
    helper.getNode("mint").receive({ payload: "GET /key", req: {} });
    await waitFor(() => out.length === 1, 5000, "a key");
    const { api_key: apiKey, expires_at: expiresAt, websocket_url: wsUrl } = out[0].payload;
    assert.match(apiKey, /^temp:/);
    assert.ok(Math.abs(Date.parse(expiresAt) - (Date.now() + 60000)) < 5000, expiresAt);
    assert.strictEqual(wsUrl, sim.url);
    assert.ok(!JSON.stringify(out[0]).includes(KEY), "the long-lived key is not in the message");
    const first = await openWith(sim, apiKey);
    sockets.push(first.ws);
    assert.strictEqual(first.error, null, "the first stream opens");
    const second = await openWith(sim, apiKey);
    sockets.push(second.ws);
    assert.strictEqual(second.error, 401, "a single-use key opens no second stream");
  });

  it("takes msg.soniox overrides that tighten the node's settings, in Soniox's names", async function () {
    await load(NODES, flow(sim, { singleUse: false, maxSessionDuration: 60 }), { cfg: { apiKey: KEY } });
    const out = collect("out");
    helper.getNode("mint").receive({ soniox: { client_reference_id: "user-42", single_use: true, expires_in_seconds: 5, max_session_duration_seconds: 30 } });
    await waitFor(() => out.length === 1, 5000, "a key");
    const stored = sim.tempKeys.usable(out[0].payload.api_key, new Date());
    assert.strictEqual(stored.clientReferenceId, "user-42");
    assert.strictEqual(stored.singleUse, true);
    assert.strictEqual(stored.maxSessionDurationSeconds, 30);
    assert.ok(stored.expiresAt.getTime() - Date.now() <= 5000);
  });

  it("refuses every override that would loosen the node's settings, naming the field, without calling Soniox", async function () {
    await load(NODES, flow(sim, { expiresIn: 60, singleUse: true, maxSessionDuration: 120, clientReferenceId: "owner-set" }), { cfg: { apiKey: KEY } });
    const caught = collect("caught");
    const loosening = [
      [{ expires_in_seconds: 61 }, /expires_in_seconds 61 is longer than the node's 60/],
      [{ single_use: false }, /cannot make a single-use key reusable/],
      [{ usage_type: "tts_rt" }, /cannot change usage_type from the node's transcribe_websocket to tts_rt/],
      [{ max_session_duration_seconds: 121 }, /max_session_duration_seconds 121 is longer than the node's 120/],
      [{ client_reference_id: "someone-else" }, /cannot replace the client_reference_id set on the node/],
      [{ api_key: "x" }, /has "api_key", which is not a temporary key field/],
    ];
    for (const [soniox] of loosening) helper.getNode("mint").receive({ soniox });
    await waitFor(() => caught.length === loosening.length, 5000, "an error per override");
    loosening.forEach(([, pattern], i) => {
      assert.strictEqual(caught[i].soniox.error.code, "invalid_config");
      assert.match(caught[i].soniox.error.message, pattern);
    });
    assert.strictEqual(sim.tempKeys.count, 0, "nothing was minted");
  });

  it("keeps the node's session limit when msg.soniox says null or nothing, and its usage and reference when repeated", async function () {
    await load(NODES, flow(sim, { maxSessionDuration: 120, clientReferenceId: "owner-set" }), { cfg: { apiKey: KEY } });
    const out = collect("out");
    helper.getNode("mint").receive({ soniox: { max_session_duration_seconds: null, usage_type: "transcribe_websocket", client_reference_id: "owner-set" } });
    helper.getNode("mint").receive({ soniox: { max_session_duration_seconds: "" } });
    await waitFor(() => out.length === 2, 5000, "two keys");
    for (const m of out) {
      const stored = sim.tempKeys.usable(m.payload.api_key, new Date());
      assert.strictEqual(stored.maxSessionDurationSeconds, 120);
      assert.strictEqual(stored.clientReferenceId, "owner-set");
      assert.strictEqual(stored.singleUse, true);
    }
  });

  it("sends bad overrides to Catch with msg.soniox.error naming the field, without calling Soniox", async function () {
    await load(NODES, flow(sim), { cfg: { apiKey: KEY } });
    const caught = collect("caught");
    helper.getNode("mint").receive({ soniox: { expires_in_seconds: 7200 } });
    await waitFor(() => caught.length === 1, 5000, "an error");
    assert.strictEqual(caught[0].soniox.error.code, "invalid_config");
    assert.match(caught[0].soniox.error.message, /expires_in_seconds must be a whole number from 1 to 3600, got 7200/);
    assert.strictEqual(sim.tempKeys.usable("temp:none", new Date()), null);
  });

  it("reports Soniox's 401 to Catch and in the log without the key, and a missing key before any request", async function () {
    await load(NODES, flow(sim), { cfg: { apiKey: "not-a-known-key" } });
    const caught = collect("caught");
    helper.getNode("mint").receive({});
    await waitFor(() => caught.length === 1, 5000, "an error");
    assert.strictEqual(caught[0].soniox.error.code, 401);
    assert.match(caught[0].soniox.error.message, /Incorrect API key provided/);
    const logged = JSON.stringify(helper.log().args);
    assert.ok(!logged.includes("not-a-known-key") && !JSON.stringify(caught[0]).includes("not-a-known-key"));

    await helper.unload();
    const saved = process.env.SONIOX_API_KEY;
    delete process.env.SONIOX_API_KEY;
    try {
      await load(NODES, flow(sim), {});
      const again = collect("caught");
      helper.getNode("mint").receive({});
      await waitFor(() => again.length === 1, 5000, "an error");
      assert.match(again[0].soniox.error.message, /No Soniox API key: set it in the soniox-config node or in the SONIOX_API_KEY environment variable/);
    } finally {
      if (saved !== undefined) process.env.SONIOX_API_KEY = saved;
    }
  });

  it("refuses invalid node settings at start with a status and names the field on each message", async function () {
    await load(NODES, flow(sim, { maxSessionDuration: 99999 }), { cfg: { apiKey: KEY } });
    const caught = collect("caught");
    helper.getNode("mint").receive({});
    await waitFor(() => caught.length === 1, 5000, "an error");
    assert.match(caught[0].soniox.error.message, /max_session_duration_seconds must be a whole number from 1 to 18000/);
  });
});
