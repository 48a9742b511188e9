"use strict";
const assert = require("assert");
const helper = require("node-red-node-test-helper");
const controlNode = require("../../dist/nodes/soniox-control.js");
const { pcm, tone, silence, chunks } = require("../core/control/vad-generate");
const { runtimeI18n } = require("../support/runtime-i18n");

helper.init(require("../support/runtime").RUNTIME);

const S16 = { format: "pcm_s16le", sampleRate: 16000, channels: 1 };

function flow(config) {
  return [
    { id: "tab", type: "tab" },
    { id: "c1", z: "tab", type: "soniox-control", name: "", wires: [["out"]], ...config },
    { id: "out", z: "tab", type: "helper" },
  ];
}

/** Messages reaching the sink, in order. */
function sink() {
  const got = [];
  helper.getNode("out").on("input", (msg) => got.push(msg));
  return got;
}

function until(predicate, ms = 3000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > ms) return reject(new Error("condition not met in time"));
      setTimeout(check, 5);
    };
    check();
  });
}

const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe("soniox-control node", function () {
  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(function (done) {
    helper.unload().then(() => helper.stopServer(done));
  });

  describe("command mode", function () {
    it("turns msg.payload into msg.control for the stream in msg.topic, dropping the payload", async function () {
      await helper.load(controlNode, flow({ mode: "command" }));
      const got = sink();
      const c1 = helper.getNode("c1");
      c1.receive({ topic: "kitchen", payload: "keepalive", _session: { id: "s1" } });
      c1.receive({ topic: "kitchen", payload: { type: "finalize", trailing_silence_ms: 300 } });
      c1.receive({ topic: "hall", payload: '{"type":"pause"}' });
      await until(() => got.length === 3);
      assert.deepStrictEqual(
        got.map((m) => [m.topic, m.control, "payload" in m]),
        [
          ["kitchen", "keepalive", false],
          ["kitchen", { type: "finalize", trailing_silence_ms: 300 }, false],
          ["hall", "pause", false],
        ],
      );
      assert.deepStrictEqual(got[0]._session, { id: "s1" });
    });

    it("sends a fixed command to a fixed key, on the configured property", async function () {
      await helper.load(controlNode, flow({ mode: "command", command: "finalize", trailingSilenceMs: "200", keyProperty: "_session.id", fixedKey: "mic-1" }));
      const got = sink();
      helper.getNode("c1").receive({ payload: 1700000000000 });
      await until(() => got.length === 1);
      assert.deepStrictEqual(got[0].control, { type: "finalize", trailing_silence_ms: 200 });
      assert.strictEqual(got[0]._session.id, "mic-1");
    });

    it("delays a finalize that comes too soon and merges several into one", async function () {
      await helper.load(controlNode, flow({ mode: "command", minFinalizeInterval: 200 }));
      const got = sink();
      const c1 = helper.getNode("c1");
      const t0 = Date.now();
      c1.receive({ topic: "t", payload: "finalize" });
      c1.receive({ topic: "t", payload: "finalize" });
      c1.receive({ topic: "t", payload: { type: "finalize", trailing_silence_ms: 50 } });
      await until(() => got.length === 2);
      const waited = Date.now() - t0;
      await settle(250);
      assert.strictEqual(got.length, 2, "three requests became two finalize commands");
      assert.strictEqual(got[0].control, "finalize");
      assert.deepStrictEqual(got[1].control, { type: "finalize", trailing_silence_ms: 50 });
      assert.ok(waited >= 180, `second finalize waited for the interval (${waited} ms)`);
    });

    it("drops a delayed finalize when the stream is stopped first", async function () {
      await helper.load(controlNode, flow({ mode: "command", minFinalizeInterval: 100 }));
      const got = sink();
      const c1 = helper.getNode("c1");
      c1.receive({ topic: "t", payload: "finalize" });
      c1.receive({ topic: "t", payload: "finalize" });
      c1.receive({ topic: "t", payload: "stop" });
      await settle(200);
      assert.deepStrictEqual(
        got.map((m) => m.control),
        ["finalize", "stop"],
      );
    });

    it("reports an unknown command to Catch nodes with the accepted ones", async function () {
      await helper.load(controlNode, flow({ mode: "command" }));
      const c1 = helper.getNode("c1");
      const error = new Promise((resolve) => c1.on("call:error", resolve));
      c1.receive({ payload: "explode" });
      const call = await error;
      assert.match(String(call.args[0]), /Unknown msg\.control "explode": use one of start, finalize/);
    });
  });

  describe("push-to-talk mode", function () {
    it("pressed → start, then resume; released → finalize then pause; repeats ignored", async function () {
      await helper.load(controlNode, flow({ mode: "ptt", trailingSilenceMs: 100, minFinalizeInterval: 0 }));
      const got = sink();
      const c1 = helper.getNode("c1");
      for (const payload of [true, "on", false, "off", 1, 0]) c1.receive({ topic: "desk", payload });
      await until(() => got.length === 6);
      await settle();
      assert.deepStrictEqual(
        got.map((m) => m.control),
        ["start", { type: "finalize", trailing_silence_ms: 100 }, "pause", "resume", { type: "finalize", trailing_silence_ms: 100 }, "pause"],
      );
      assert.ok(got.every((m) => m.topic === "desk"));
    });

    it("leaves out a release finalize that the rate limit holds back (pause finalizes anyway)", async function () {
      await helper.load(controlNode, flow({ mode: "ptt", minFinalizeInterval: 60000 }));
      const got = sink();
      const c1 = helper.getNode("c1");
      for (const payload of [true, false, true, false]) c1.receive({ topic: "desk", payload });
      await until(() => got.length === 5);
      await settle();
      assert.deepStrictEqual(
        got.map((m) => m.control),
        ["start", "finalize", "pause", "resume", "pause"],
      );
    });
  });

  describe("inline mode", function () {
    it("passes the audio messages through untouched and puts finalize after the chunk that completes the silence", async function () {
      await helper.load(controlNode, flow({ mode: "inline", silenceMs: 500, keepaliveAfter: 0, quietLimit: 0 }));
      const got = sink();
      const c1 = helper.getNode("c1");
      const inputs = chunks(pcm(S16, [tone(600), silence(700)]), 3200).map((payload) => ({ topic: "mic", payload, rate: 16000 }));
      for (const m of inputs) c1.receive(m);
      await until(() => got.length === inputs.length + 1);
      await settle();
      const order = got.map((m) => (m.control ? JSON.stringify(m.control) : "audio"));
      assert.deepStrictEqual(order, [...Array(11).fill("audio"), '{"type":"finalize","trailing_silence_ms":500}', "audio", "audio"]);
      const audioOut = got.filter((m) => !m.control);
      audioOut.forEach((m, i) => assert.strictEqual(m, inputs[i], `chunk ${i} is the same message object`));
      assert.strictEqual(got[11].topic, "mic");
    });

    it("pauses on long silence and resumes before the chunk where speech returns", async function () {
      await helper.load(
        controlNode,
        flow({ mode: "inline", longSilenceAction: "pause", longSilence: 1, keepaliveAfter: 0, quietLimit: 0 }),
      );
      const got = sink();
      const c1 = helper.getNode("c1");
      const inputs = chunks(pcm(S16, [tone(300), silence(1200), tone(200)]), 3200).map((payload) => ({ topic: "mic", payload }));
      for (const m of inputs) c1.receive(m);
      await until(() => got.length === inputs.length + 3);
      await settle();
      const order = got.map((m) => (m.control ? (typeof m.control === "string" ? m.control : m.control.type) : "audio"));
      assert.deepStrictEqual(order, [
        ...Array(8).fill("audio"),
        "finalize",
        ...Array(5).fill("audio"),
        "pause",
        "audio",
        "audio",
        "resume",
        "audio",
        "audio",
      ]);
    });

    it("sends keepalive while the source is quiet, then stop, and frees the stream", async function () {
      await helper.load(controlNode, flow({ mode: "inline", keepaliveAfter: 0.05, quietLimit: 0.18, quietStop: true }));
      const got = sink();
      helper.getNode("c1").receive({ topic: "mic", payload: pcm(S16, [silence(200)]) });
      await until(() => got.some((m) => m.control === "stop"));
      await settle(120);
      // Keepalives at 50, 100 and 150 ms of quiet, stop at 180 ms; a slow machine may merge the last two.
      const order = got.map((m) => m.control ?? "audio");
      assert.strictEqual(order[0], "audio");
      assert.strictEqual(order[order.length - 1], "stop", "nothing after stop: the stream was freed");
      const middle = order.slice(1, -1);
      assert.ok(middle.length >= 2 && middle.every((c) => c === "keepalive"), order.join(","));
      assert.ok(got.slice(1).every((m) => m.topic === "mic"));
    });

    it("passes messages that already carry msg.control straight through", async function () {
      await helper.load(controlNode, flow({ mode: "inline", keepaliveAfter: 0, quietLimit: 0 }));
      const got = sink();
      const m = { topic: "mic", control: "stop" };
      helper.getNode("c1").receive(m);
      await until(() => got.length === 1);
      assert.strictEqual(got[0], m);
    });

    it("refuses invalid settings at deploy and reports them on input", async function () {
      await helper.load(controlNode, flow({ mode: "inline", silenceMs: "loud" }));
      const c1 = helper.getNode("c1");
      const error = new Promise((resolve) => c1.on("call:error", resolve));
      c1.receive({ payload: Buffer.alloc(10) });
      const call = await error;
      assert.match(String(call.args[0]), /soniox-control\.errors\.config/);
    });

    it("says its invalid settings in the runtime's language, the field's name too, at deploy and on input", async function () {
      // The helper's RED._ is the identity: this node module gets Node-RED's i18next with our German catalogue.
      const translate = (await runtimeI18n(["soniox-control"], ["de"]))("de", "soniox-control");
      const german = (RED) => {
        RED._ = translate._;
        return controlNode(RED);
      };
      await helper.load(german, flow({ mode: "inline", thresholdDb: "loud" }));
      const c1 = helper.getNode("c1");
      const wanted = 'soniox-control hat ungültige Einstellungen: Sprachschwelle (dBFS) muss eine Zahl von -120 bis 0 sein, erhalten: "loud". Öffnen Sie den Node und korrigieren Sie sie.';
      const logged = helper.log().args.map(([entry]) => entry).filter((e) => e.id === "c1" && e.level === helper.log().ERROR);
      assert.deepStrictEqual(logged.map((e) => e.msg), [wanted]);
      assert.deepStrictEqual(c1.status.args.at(-1), [{ fill: "red", shape: "ring", text: "ungültige Einstellungen" }]);
      const error = new Promise((resolve) => c1.on("call:error", resolve));
      c1.receive({ payload: Buffer.alloc(10) });
      assert.strictEqual(String((await error).args[0]), wanted);
    });
  });
});
