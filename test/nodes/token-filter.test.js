"use strict";
const assert = require("assert");
const helper = require("node-red-node-test-helper");
const filterNode = require("../../dist/nodes/soniox-token-filter.js");
const { transcribeMessages } = require("../fixtures/tokens/load");

helper.init(require("../support/runtime").RUNTIME);

/**
 * Resolves with [port, msg] pairs once `count` messages have arrived on the given helper nodes
 * and nothing more came for a short quiet period (so extra messages fail the test too).
 */
function collect(sinks, count) {
  return new Promise((resolve) => {
    const got = [];
    let quiet = null;
    sinks.forEach((sink, port) =>
      sink.on("input", (msg) => {
        got.push([port, msg]);
        if (got.length >= count) {
          clearTimeout(quiet);
          quiet = setTimeout(() => resolve(got), 30);
        }
      }),
    );
  });
}

function flow(config, outputs = 1) {
  const wires = outputs === 2 ? [["out0"], ["out1"]] : [["out0"]];
  return [
    { id: "tab", type: "tab" },
    { id: "f1", z: "tab", type: "soniox-token-filter", name: "", wires, ...config },
    { id: "out0", z: "tab", type: "helper" },
    { id: "out1", z: "tab", type: "helper" },
  ];
}

function feed(node, messages) {
  for (const m of messages) node.receive(m);
}

describe("soniox-token-filter node", function () {
  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(function (done) {
    helper.unload().then(() => helper.stopServer(done));
  });

  it("sends one plain-string utterance per segment and keeps the routing properties", async function () {
    await helper.load(filterNode, flow({ mode: "utterance" }));
    const received = collect([helper.getNode("out0")], 2);
    const inputs = transcribeMessages("endpoint-revisions", "kitchen").map((m) => ({
      ...m,
      _session: { type: "websocket", id: "abc" },
    }));
    feed(helper.getNode("f1"), inputs);
    const got = await received;
    assert.deepStrictEqual(
      got.map(([, m]) => m.payload),
      ["How are you doing?", "Fine, thanks."],
    );
    const [, first] = got[0];
    assert.strictEqual(first.topic, "kitchen");
    assert.deepStrictEqual(first._session, { type: "websocket", id: "abc" });
    assert.deepStrictEqual(first.soniox, { stream: "kitchen", session: 1 });
    assert.strictEqual(first.utterance.reason, "endpoint");
    assert.strictEqual(first.utterance.speaker, "1");
  });

  it("splits translations to the second output, in arrival order", async function () {
    await helper.load(filterNode, flow({ mode: "utterance", splitTranslation: true, outputs: 2 }, 2));
    const received = collect([helper.getNode("out0"), helper.getNode("out1")], 4);
    feed(helper.getNode("f1"), transcribeMessages("translation-two-way", "meeting"));
    const got = await received;
    assert.deepStrictEqual(
      got.map(([port, m]) => [port, m.payload]),
      [
        [0, "Hello everyone, thank you."],
        [1, "Hallo zusammen, danke."],
        [0, "Guten Morgen merci"],
        [1, "Good morning"],
      ],
    );
  });

  it("keeps a separate caption per stream (msg.topic)", async function () {
    await helper.load(filterNode, flow({ mode: "caption", finality: "final" }));
    const received = collect([helper.getNode("out0")], 4);
    const a = transcribeMessages("multi-fin", "a");
    const b = transcribeMessages("phrase-commands", "b");
    feed(helper.getNode("f1"), [a[1], b[0], a[2], b[1]]);
    const got = await received;
    assert.deepStrictEqual(
      got.map(([, m]) => [m.topic, m.payload]),
      [
        ["a", "Turn on the lights"],
        ["b", "Okay, turn on"],
        ["a", "Turn on the lights please."],
        ["b", "Okay, turn on the Kitchen-lights, please."],
      ],
    );
    assert.deepStrictEqual(got[1][1].caption, { final: "Okay, turn on", non_final: "", text: "Okay, turn on" });
  });

  it("fires the phrase trigger with the configured phrase as payload", async function () {
    await helper.load(filterNode, flow({ mode: "phrase", phrases: "turn on the kitchen lights\nturn off the kitchen lights" }));
    const received = collect([helper.getNode("out0")], 2);
    feed(helper.getNode("f1"), transcribeMessages("phrase-commands", "voice"));
    const got = await received;
    assert.deepStrictEqual(
      got.map(([, m]) => [m.payload, m.match.index, m.utterance.reason]),
      [
        ["turn on the kitchen lights", 0, "endpoint"],
        ["turn off the kitchen lights", 1, "endpoint"],
      ],
    );
  });

  it("reports a message that is not a token message to Catch nodes", async function () {
    await helper.load(filterNode, flow({ mode: "text" }));
    const f1 = helper.getNode("f1");
    const error = new Promise((resolve) => f1.on("call:error", (call) => resolve(call)));
    f1.receive({ payload: "hello" });
    const call = await error;
    assert.match(String(call.args[0]), /soniox-token-filter\.errors\.not-tokens/);
    assert.strictEqual(call.args[1].payload, "hello");
  });

  it("refuses invalid settings at deploy with a red status, and reports them on input", async function () {
    await helper.load(filterNode, flow({ mode: "phrase", phrases: "", phraseRegex: "" }));
    const f1 = helper.getNode("f1");
    const error = new Promise((resolve) => f1.on("call:error", (call) => resolve(call)));
    f1.receive(transcribeMessages("multi-fin")[0]);
    const call = await error;
    assert.match(String(call.args[0]), /soniox-token-filter\.errors\.config/);
  });
});
