"use strict";
// Input fuzzing of soniox-control (command, push-to-talk, inline) and soniox-token-filter (every
// mode): random payloads, topics, sox-record audio properties and transcribe-like responses with
// mistyped token fields. Every input must end in exactly one Complete or Catch, no error text may
// be a JavaScript internal, and the node must still do its job afterwards.
const assert = require("assert");
const { helper, NODES, load, waitFor } = require("../support/nodered");
const { prng, fuzzSettings } = require("./prng");
const { audioPayload, nonAudioPayload, emptyPayload, validControl, invalidControl } = require("./input-generators");

const { seed: SEED, cases: CASES } = fuzzSettings(9090, 600, 6000);
const INTERNALS = /TypeError|ReferenceError|RangeError: Invalid|SyntaxError|is not a function|Cannot read prop|Cannot convert|\[object Object\]|Maximum call stack/;

function junk(r) {
  return r.pick([undefined, null, 5, -1, NaN, 1e308, "12", "", true, [], {}, "S1", "en", 0.5, "translation"]);
}

/** A transcribe-like response whose tokens all have text, with any other field junk or missing. */
function response(r) {
  const tokens = Array.from({ length: r.int(0, 8) }, () => {
    const t = { text: r.pick(["<end>", "<fin>", " hello", " world", " turn on", " the lights", r.string(10)]) };
    for (const f of ["is_final", "start_ms", "end_ms", "confidence", "speaker", "language", "translation_status", "source_language"]) {
      if (r.chance(0.5)) t[f] = r.chance(0.5) ? junk(r) : { is_final: true, start_ms: r.int(0, 9000), end_ms: r.int(0, 9000), confidence: r.next(), speaker: r.pick(["1", "2"]), language: r.pick(["en", "de"]), translation_status: r.pick(["original", "translation", "none"]), source_language: "en" }[f];
    }
    return t;
  });
  return { tokens, finished: r.chance(0.1) ? true : junk(r), final_text: junk(r) };
}

function topic(r) {
  return r.pick(["a", "b", "c", "", null, undefined, 7, NaN, true, "d-" + r.int(0, 300)]);
}

const NODE_CASES = [
  {
    name: "soniox-control, command mode",
    node: { type: "soniox-control", mode: "command", minFinalizeInterval: 0 },
    message: (r) => ({ topic: topic(r), payload: r.weighted([[2, () => validControl(r)], [2, () => invalidControl(r)], [1, () => nonAudioPayload(r)], [1, () => emptyPayload(r)]]) }),
    sane: { msg: { topic: "x", payload: "finalize" }, check: (m) => m.topic === "x" && (m.control === "finalize" || m.control.type === "finalize") },
  },
  {
    name: "soniox-control, push-to-talk mode",
    node: { type: "soniox-control", mode: "ptt", minFinalizeInterval: 0 },
    message: (r) => ({ topic: topic(r), payload: r.pick([true, false, 1, 0, "on", "off", "pressed", "released", null, undefined, NaN, {}, [], "maybe", Buffer.alloc(2)]) }),
    sane: { msg: { topic: "ptt-sane", payload: true }, check: (m) => m.topic === "ptt-sane" && m.control === "start" },
  },
  {
    name: "soniox-control, inline mode",
    node: { type: "soniox-control", mode: "inline", longSilenceAction: "pause", longSilence: 1, keepaliveAfter: 0.05, quietLimit: 0.2, quietStop: true },
    message: (r) => {
      const msg = { topic: topic(r), payload: r.weighted([[5, () => audioPayload(r)], [1, () => nonAudioPayload(r)], [1, () => emptyPayload(r)]]) };
      if (r.chance(0.3)) {
        msg.rate = r.pick([8000, 16000, 44100, 0, -1, NaN, "16000", 1e9, 1.5]);
        msg.channels = r.pick([1, 2, 0, 3, 100, "2", NaN]);
        msg.bits = r.pick([8, 16, 24, 32, 7, 0, "16"]);
        msg.encoding = r.pick(["signed-integer", "unsigned-integer", "floating-point", "mu-law", "a-law", "weird", 5]);
      }
      if (r.chance(0.1)) msg.control = validControl(r);
      return msg;
    },
    sane: { msg: { topic: "inline-sane", payload: Buffer.alloc(3200) }, check: (m) => Buffer.isBuffer(m.payload) && m.topic === "inline-sane" },
  },
  ...["tokens", "text", "caption", "utterance", "turns", "phrase"].map((mode) => ({
    name: `soniox-token-filter, ${mode} mode`,
    node: { type: "soniox-token-filter", mode, finality: "both", speakers: "1", minConfidence: "0.2", phrases: "hello world\nturn on the lights", splitTranslation: true, maxStreams: 50 },
    message: (r) => ({ topic: topic(r), payload: r.weighted([[6, () => response(r)], [1, () => nonAudioPayload(r)], [1, () => emptyPayload(r)], [1, () => ({ tokens: [{ text: 5 }] })]]) }),
    sane: {
      msg: { topic: "sane", payload: { tokens: [{ text: " hello", is_final: true, speaker: "1", confidence: 0.9, start_ms: 0, end_ms: 300 }, { text: " world", is_final: true, speaker: "1", confidence: 0.9, start_ms: 300, end_ms: 600 }, { text: "<end>", is_final: true }], finished: true } },
      check: (m) => m.topic === "sane" && /hello/.test(String(m.payload)),
    },
  })),
];

describe("fuzz: soniox-control and soniox-token-filter inputs (real Node-RED runtime)", function () {
  this.timeout(process.env.FUZZ_LONG === "1" ? 300000 : 20000);
  const figures = [];

  beforeEach(function (done) {
    helper.startServer(done);
  });

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
  });

  after(function () {
    console.log(`      fuzz helper nodes: seed ${SEED}; ${figures.join("; ")}`);
  });

  NODE_CASES.forEach((c, index) => {
    it(`${c.name}: ${CASES} random inputs, each ends once, clear errors, still works`, async function () {
      await load(NODES, [
        { id: "tab", type: "tab", label: "fuzz" },
        { id: "n", z: "tab", name: "", ...c.node, wires: c.node.splitTranslation ? [["out"], ["out"]] : [["out"]] },
        { id: "out", z: "tab", type: "helper" },
        { id: "completer", z: "tab", type: "complete", scope: ["n"], uncaught: false, wires: [["completed"]] },
        { id: "completed", z: "tab", type: "helper" },
        { id: "catcher", z: "tab", type: "catch", scope: ["n"], uncaught: false, wires: [["caught"]] },
        { id: "caught", z: "tab", type: "helper" },
      ]);
      const node = helper.getNode("n");
      const outcome = new Map();
      const outputs = [];
      const endedTwice = []; // checked at the end: a throw inside a Node-RED listener would be swallowed
      const note = (id, what) => {
        if (!id.startsWith("fz-")) return;
        if (outcome.has(id)) endedTwice.push(id);
        outcome.set(id, what);
      };
      helper.getNode("completed").on("input", (m) => note(m._msgid, "complete"));
      helper.getNode("caught").on("input", (m) => note(m._msgid, m.error.message));
      helper.getNode("out").on("input", (m) => outputs.push(m));
      const r = prng(SEED + index);
      for (let i = 0; i < CASES; i++) {
        const msg = c.message(r);
        msg._msgid = `fz-${i}`;
        node.receive(msg);
        if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
      }
      await waitFor(() => outcome.size === CASES, 10000, `an outcome for all ${CASES} inputs (have ${outcome.size})`);
      assert.deepStrictEqual(endedTwice, [], "an input ended more than once");
      const errors = [...outcome.values()].filter((v) => v !== "complete");
      for (const text of new Set(errors)) {
        assert.ok(typeof text === "string" && text.length >= 15, `unclear error ${JSON.stringify(text)}`);
        assert.doesNotMatch(text, INTERNALS, "an error text is a JavaScript internal");
      }
      {
        const before = outputs.length;
        node.receive({ ...c.sane.msg, _msgid: "fz-sane" });
        await waitFor(() => outcome.has("fz-sane"), 3000, "the last input to end");
        assert.strictEqual(outcome.get("fz-sane"), "complete");
        await waitFor(() => outputs.slice(before).some(c.sane.check), 3000, "the node to still work");
      }
      figures.push(`${c.name}: ${CASES} inputs, ${errors.length} Catch, ${outputs.length} out`);
    });
  });
});
