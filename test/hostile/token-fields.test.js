"use strict";
// Tokens a hostile or broken server can shape: extra fields nested deep enough to overflow
// Node-RED's deep copy for a second wire, and times that are no finite numbers (1e400 reads as
// Infinity, strings). Real Node-RED runtime, a hand-written WebSocket server over a real socket.
const assert = require("assert");
const { helper, NODES, transcribeFlow, load, collect, waitFor } = require("../support/nodered");
const { startRawServer, rawServerSuite } = require("./raw-ws-server");
const { logLines } = require("./observe");
const { SonioxSession } = require("../../dist/core/session/session");
const { RawMeter } = require("../../dist/core/audio/audio-meter");
const { fakeClock, fakeTransportFactory } = require("../support/fake-transport");

const KEY = "sk-TOKENS-8d1e5a3f7c2b9046";
const PROTOCOL_FIELDS = ["text", "start_ms", "end_ms", "confidence", "is_final", "speaker", "language", "source_language", "translation_status"];
const pcm = (ms) => Buffer.alloc((ms * 16000 * 2) / 1000);

describe("hostile tokens against soniox-transcribe", function () {
  this.timeout(30000);
  const suite = rawServerSuite(helper);

  /** A transcribe node whose first output is wired to two sinks, against a server sending `frames`. */
  async function run(frames) {
    suite.server = await startRawServer((c) => {
      c.accept();
      c.socket.once("data", () => {
        for (const f of frames) c.text(f);
      });
    });
    const flow = transcribeFlow({ url: suite.server.url }, { connectTimeout: 2, finishTimeout: 2, reconnect: false });
    flow.find((n) => n.id === "tx").wires[0].push("responses2");
    flow.push({ id: "responses2", z: "tab", type: "helper" });
    await load(NODES, flow, { cfg: { apiKey: KEY } });
    const out = { one: collect("responses"), two: collect("responses2"), errors: collect("caught"), logFrom: helper.log().args.length };
    helper.getNode("tx").receive({ topic: "a", payload: pcm(200) });
    await waitFor(() => out.one.some((m) => m.payload.finished) && out.two.some((m) => m.payload.finished), 10000, "the finished response on both wires");
    return out;
  }

  it("a token field nested 20,000 deep on an output wired twice: Node-RED keeps running, tokens keep only protocol fields", async function () {
    const deep = `${'{"a":'.repeat(20000)}1${"}".repeat(20000)}`;
    const hostile =
      `{"tokens":[{"text":"hello","is_final":true,"start_ms":0,"end_ms":100,"speaker":"1","nested":${deep},` +
      `"long":"${"x".repeat(5000)}","note":"short","__proto__":{"polluted":true}}]}`;
    const { one, two, errors } = await run([hostile, JSON.stringify({ tokens: [{ text: " world", is_final: true, start_ms: 200, end_ms: 300 }], finished: true })]);
    for (const wire of [one, two]) {
      const tokens = wire.flatMap((m) => m.payload.tokens);
      assert.deepStrictEqual(
        tokens.map((t) => t.text),
        ["hello", " world"],
      );
      assert.deepStrictEqual(tokens[0], { text: "hello", is_final: true, start_ms: 0, end_ms: 100, speaker: "1", note: "short" });
      for (const t of tokens) for (const k of Object.keys(t)) assert.ok(PROTOCOL_FIELDS.includes(k) || typeof t[k] !== "object", `token field ${k}`);
      assert.strictEqual({}.polluted, undefined);
    }
    assert.deepStrictEqual(errors, []);
  });

  it("token times that are not finite numbers are left out with one warning, and later tokens still arrive", async function () {
    const bad =
      '{"tokens":[{"text":"one","is_final":true,"start_ms":0,"end_ms":1e400},' +
      '{"text":" two","is_final":true,"start_ms":"150","end_ms":"300"},{"text":" three","is_final":true,"start_ms":400,"end_ms":500,"confidence":"high"}]}';
    const later = JSON.stringify({ tokens: [{ text: " four", is_final: true, start_ms: 600, end_ms: 700 }, { text: " five", is_final: false, start_ms: 800, end_ms: 900 }] });
    const done = JSON.stringify({ tokens: [{ text: " six", is_final: true, start_ms: 1000, end_ms: 1100 }], final_audio_proc_ms: 1e400, finished: true });
    const { one, logFrom } = await run([bad, later, done]);
    const tokens = one.flatMap((m) => m.payload.tokens);
    assert.deepStrictEqual(
      tokens.map((t) => [t.text, t.start_ms, t.end_ms, t.confidence]),
      [
        ["one", undefined, undefined, undefined],
        [" two", undefined, undefined, undefined],
        [" three", 400, 500, undefined],
        [" four", 600, 700, undefined],
        [" five", 800, 900, undefined],
        [" six", 1000, 1100, undefined],
      ],
    );
    assert.ok(tokens.every((t) => !("start_ms" in t) || typeof t.start_ms === "number"), "no string time reaches an output");
    assert.strictEqual(one.map((m) => m.payload.final_text).join(""), "one two three four six");
    assert.ok(!one.some((m) => "final_audio_proc_ms" in m.payload && !Number.isFinite(m.payload.final_audio_proc_ms)));
    const about = logLines(logFrom).filter((l) => /not a finite number/.test(l));
    assert.strictEqual(about.length, 1, about.join("\n"));
    assert.match(about[0], /sent 2 token\(s\) whose start_ms\/end_ms is not a finite number/);
  });

  /** A session over the in-memory transport, with `throwOn` listeners throwing what Node-RED's deep copy throws. */
  function throwingSession(throwOn) {
    const transport = fakeTransportFactory();
    const session = new SonioxSession({
      url: "ws://127.0.0.1:1/transcribe-websocket",
      apiKey: KEY,
      start: { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 },
      transport,
      clock: fakeClock(),
      meter: new RawMeter({ format: "pcm_s16le", sampleRate: 16000, channels: 1 }),
    });
    const seen = { warnings: [], closes: [] };
    session.on("warning", (w) => seen.warnings.push(w));
    session.on("close", (c) => seen.closes.push(c));
    for (const event of throwOn) {
      session.on(event, () => {
        throw new RangeError("Maximum call stack size exceeded");
      });
    }
    session.start();
    return { session, t: transport.last(), seen };
  }

  it("an exception while delivering a response stays out of the socket's message handler, said once, and the stream goes on", function () {
    const { t, seen } = throwingSession(["result"]);
    t.open();
    t.result({ tokens: [{ text: "a", is_final: true }] });
    t.result({ tokens: [{ text: "b", is_final: true }] });
    t.result({ tokens: [], finished: true });
    assert.deepStrictEqual(
      seen.closes.map((c) => c.reason),
      ["finished"],
    );
    assert.strictEqual(seen.warnings.length, 2, seen.warnings.join("\n"));
    assert.match(seen.warnings[0], /Passing on what Soniox sent failed \(RangeError: Maximum call stack size exceeded\); it was dropped and the stream goes on/);
    assert.match(seen.warnings[1], /^2 more like this were suppressed/);
  });

  it("an exception in what a socket's open or close sets off stays out of its handler too", function () {
    const { session, t, seen } = throwingSession(["open", "close"]);
    t.open();
    session.sendAudio(Buffer.alloc(3200));
    assert.ok(t.audio().length > 0, "the session streams after a throwing open listener");
    t.serverClose(1006, "gone");
    assert.strictEqual(seen.closes.length, 1);
    assert.strictEqual(seen.closes[0].reason, "failed");
    assert.ok(seen.warnings.some((w) => /Passing on what Soniox sent failed/.test(w)), seen.warnings.join("\n"));
  });
});
