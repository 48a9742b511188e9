"use strict";
// Regressions found by the input fuzzer: values JSON cannot show or send, in msg.control and
// msg.soniox. One of them (a circular or BigInt start option) used to throw from the socket's open
// handler, outside any try/catch, and so took Node-RED down.
const assert = require("assert");
const { parseControl } = require("../../dist/core/control/parse");
const { validateStartMessage } = require("../../dist/core/session/start-message");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, transcribeFlow, load, waitFor } = require("../support/nodered");

const BASE = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };

function circular(type) {
  const o = { type };
  o.self = o;
  return o;
}

function refusal(fn) {
  try {
    fn();
  } catch (err) {
    return err.message;
  }
  assert.fail("expected a refusal");
}

describe("fuzz regressions: msg.control error texts", function () {
  it("names a circular control object by its type instead of [object Object]", function () {
    assert.strictEqual(
      refusal(() => parseControl(circular("explode"))),
      'Unknown msg.control an object with type "explode": use one of start, finalize, keepalive, pause, resume, stop, cancel (a string or {type: ...})',
    );
  });

  it("shows NaN, Infinity and BigInt as themselves, not as null or a crash", function () {
    for (const [value, shown] of [[NaN, "NaN"], [Infinity, "Infinity"], [-Infinity, "-Infinity"]]) {
      assert.strictEqual(
        refusal(() => parseControl({ type: "finalize", trailing_silence_ms: value })),
        `trailing_silence_ms must be an integer from 0 to 60000 ms (got ${shown})`,
      );
    }
    assert.match(refusal(() => parseControl(BigInt(7))), /^Unknown msg.control 7n: use one of/);
    assert.match(refusal(() => parseControl({ type: BigInt(7) })), /^Unknown msg.control an object with type 7n: use one of/);
  });
});

describe("fuzz regressions: start options JSON cannot send", function () {
  it("refuses circular and BigInt options by name instead of throwing a TypeError", function () {
    const text = refusal(() => validateStartMessage({ ...BASE, my_option: BigInt(1) }));
    assert.match(text, /^Invalid Soniox options: every option must be plain JSON data \(text, numbers, true\/false, lists, objects\): Do not know how to serialize a BigInt$/);
    assert.match(refusal(() => validateStartMessage({ ...BASE, context: circular("x") })), /every option must be plain JSON data .*circular structure/);
    assert.match(refusal(() => validateStartMessage({ ...BASE, max_endpoint_delay_ms: BigInt(800) })), /max_endpoint_delay_ms must be an integer from 500 to 3000 \(got 800n\)/);
  });

  it("shows NaN as NaN and a missing language as missing, without a spurious 'must differ'", function () {
    assert.match(refusal(() => validateStartMessage({ ...BASE, endpoint_sensitivity: NaN })), /endpoint_sensitivity must be a number from -1 to 1 \(got NaN\)/);
    assert.strictEqual(
      refusal(() => validateStartMessage({ ...BASE, translation: { type: "one_way" } })),
      'Invalid Soniox options: translation.target_language must be an ISO 639-1 language code such as "en" (it is missing)',
    );
    assert.doesNotMatch(refusal(() => validateStartMessage({ ...BASE, translation: { type: "two_way" } })), /must differ/);
  });

  describe("through the node", function () {
    this.timeout(10000);
    let sim;
    beforeEach(async function () {
      sim = await startSimulator({ apiKeys: ["sk-regress-1234"] });
      await new Promise((resolve) => helper.startServer(resolve));
    });
    afterEach(async function () {
      await helper.unload();
      await new Promise((resolve) => helper.stopServer(resolve));
      await sim.close();
    });

    it("sends msg.soniox with a circular or BigInt field to Catch, opens no socket, and keeps Node-RED up", async function () {
      // Unknown names are left out unless passed through; passed through, they must still be sendable.
      await load(NODES, transcribeFlow(sim, { passUnknownOptions: true }), { cfg: { apiKey: "sk-regress-1234" } });
      const caught = [];
      helper.getNode("caught").on("input", (m) => caught.push(m.error.message));
      const tx = helper.getNode("tx");
      tx.receive({ topic: "a", payload: Buffer.alloc(640, 1), soniox: { my_option: BigInt(1) } });
      tx.receive({ topic: "b", payload: Buffer.alloc(640, 1), soniox: { my_option: circular("x") } });
      await waitFor(() => caught.length === 2, 3000, "two refusals");
      for (const text of caught) assert.match(text, /Invalid Soniox options: every option must be plain JSON data/);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.strictEqual(sim.connections.length, 0, "no stream was opened");
    });
  });
});
