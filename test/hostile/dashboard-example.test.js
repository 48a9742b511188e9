"use strict";
// The Dashboard 2 example against what a dashboard client can send: the socket carries a whole
// message (any properties, or a bare value Dashboard wraps as {payload} without msg._client), and
// ui-base forwards it from the page's ui-template or a button. The example must take only what
// its page sends, and an error must go to the browser it concerns, never to every client.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, coreNode, load, waitFor } = require("../support/nodered");
const { speech } = require("../support/speech");

const EXAMPLE = path.join(__dirname, "..", "..", "examples", "dashboard-live-caption.json");
const CORE = ["common/21-debug.js", "common/90-comment.js", "function/15-change.js", "function/10-switch.js", "function/10-function.js"].map(coreNode);
const DASHBOARD = ["config/ui_base.js", "config/ui_page.js", "config/ui_group.js", "config/ui_theme.js", "widgets/ui_template.js", "widgets/ui_button.js"].map((p) =>
  require(`@flowfuse/node-red-dashboard/nodes/${p}`),
);
const KEY = "dashboard-hostile-key";
const PAGE = "ex14-dash-page";
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe("hostile dashboard clients against the Dashboard 2 example", function () {
  this.timeout(30000);
  let sim;
  let toPage;

  beforeEach(async function () {
    sim = await startSimulator({ apiKeys: [KEY], script: "hello there", wordMs: 100 });
    await new Promise((resolve) => helper.startServer(resolve));
    const flow = JSON.parse(fs.readFileSync(EXAMPLE, "utf8"));
    for (const n of flow) if (n.type === "soniox-config") Object.assign(n, { region: "custom", url: sim.url });
    const credentials = Object.fromEntries(flow.filter((n) => n.type === "soniox-config").map((n) => [n.id, { apiKey: KEY }]));
    await load([...NODES, ...CORE, ...DASHBOARD], flow, credentials);
    // What the flow sends to the page: ui-template sends a message without msg._client to every client.
    toPage = [];
    helper.getNode(PAGE).on("input", (msg) => toPage.push(msg));
  });

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  /** What ui-base does with a widget-action from a client: the message leaves the page's node. */
  const fromClient = (msg) => helper.getNode(PAGE).send(msg);
  const logged = (from) => helper.log().args.slice(from).map((a) => JSON.stringify(a[0]));

  it("a bare value (no msg._client) gets a clear error in the log, and nothing is broadcast to every dashboard client", async function () {
    const from = helper.log().args.length;
    // Dashboard 2 turns a bare value from the socket into {payload: value}, with no _client.
    fromClient({ payload: "hello" });
    fromClient({ payload: speech(100) });
    await waitFor(() => logged(from).some((l) => /_client/.test(l)), 5000, "an error naming msg._client");
    await pause(300);
    const broadcast = toPage.filter((m) => !m._client || !m._client.socketId);
    assert.deepStrictEqual(broadcast, [], "no message without a client went to the page (it would reach every browser)");
    const lines = logged(from);
    assert.ok(!lines.some((l) => /TypeError|Cannot read properties/.test(l)), `no TypeError: ${lines.join("\n")}`);
    assert.strictEqual(sim.connections.length, 0, "no Soniox stream was opened for it");
  });

  it("a client's msg.soniox (client_reference_id, convert_to_pcm) and other extra properties never reach the stream", async function () {
    const client = { socketId: "client-A" };
    const spoof = { client_reference_id: "billed-to-someone-else", convert_to_pcm: true };
    fromClient({ payload: "start", _client: client, soniox: spoof, control: "start" });
    fromClient({ payload: speech(600), _client: client, soniox: spoof, topic: "other-client" });
    await waitFor(() => sim.connections[0] && sim.connections[0].startMessage, 8000, "the stream's start message");
    const start = sim.connections[0].startMessage;
    assert.strictEqual(start.client_reference_id, undefined, `client_reference_id came from the client: ${JSON.stringify(start)}`);
    assert.strictEqual(start.audio_format, "pcm_s16le", "the page's raw PCM, not a transcoded stream");
    await waitFor(() => sim.connections[0].audioMs >= 500, 8000, "the page's audio at Soniox as it was sent");
    assert.strictEqual(sim.connections.length, 1, "one stream for the one client");
    await waitFor(() => toPage.some((m) => m.payload && typeof m.payload.final_text === "string"), 8000, "responses for the page");
    assert.ok(toPage.every((m) => m._client && m._client.socketId === "client-A"), "everything went back to that client only");
  });

  it("a client cannot send the stream anything but audio bytes and the page's commands", async function () {
    const from = helper.log().args.length;
    const client = { socketId: "client-B" };
    fromClient({ payload: { tokens: [] }, _client: client });
    fromClient({ payload: "finish-everything", _client: client });
    await waitFor(() => logged(from).filter((l) => /client-B/.test(l)).length >= 2, 5000, "two errors naming the client");
    assert.strictEqual(sim.connections.length, 0);
  });
});
