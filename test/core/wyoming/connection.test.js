"use strict";
// One Wyoming connection's state machine without a socket: events in, events out, the flow's
// side recorded through the handlers, time on a fake clock.
const assert = require("assert");
const FakeTimers = require("@sinonjs/fake-timers");
const { Connection, FrameParser, encodeEvent, languageHint } = require("../../../dist/core/wyoming");

function setup({ streaming = false, endpointing = false } = {}) {
  const clock = FakeTimers.createClock();
  const out = new FrameParser();
  const sent = [];
  const calls = [];
  const handler = (name) => (...args) => calls.push([name, ...args.map((a) => (a && a.id ? a.id : a))]);
  const conn = new Connection(
    {
      id: "c1",
      limits: {},
      info: () => ({ asr: [] }),
      streaming,
      endpointing,
      responseTimeoutMs: 1000,
      clock: { now: () => clock.now, setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (h) => clock.clearTimeout(h) },
      handlers: Object.fromEntries(["start", "audio", "stop", "cancel", "ended", "timeout", "protocolError"].map((n) => [n, handler(n)])),
      commands: new Map(),
    },
    { write: (b) => sent.push(...out.push(b)), end: () => calls.push(["end"]) },
  );
  const send = (type, data, payload) => conn.receive(encodeEvent(type, data, payload));
  return { clock, conn, sent, calls, send };
}

const FORMAT = { rate: 16000, width: 2, channels: 1 };
const final = (text) => ({ text, is_final: true });

describe("wyoming Connection", function () {
  it("maps client languages to Soniox hints", function () {
    assert.deepStrictEqual(["en-US", "de_DE", "nb", "NN", "iw", "fil", "xx", "", 5].map(languageHint), ["en", "de", "no", "no", "he", "tl", null, null, null]);
  });

  it("starts a command from an audio-chunk without audio-start, with the chunk's format", function () {
    const { send, calls } = setup();
    send("audio-chunk", FORMAT, Buffer.alloc(4));
    assert.deepStrictEqual(calls.map((c) => c[0]), ["start", "audio"]);
  });

  it("answers audio-stop without audio-start, and bad formats, with an error event", function () {
    const { send, sent } = setup();
    send("audio-stop");
    send("audio-start", { rate: 16000, width: 0, channels: 1 });
    assert.deepStrictEqual(sent.map((e) => [e.type, e.data.code]), [["error", "unexpected-event"], ["error", "bad-format"]]);
  });

  it("ignores the <end> marker without endpointing and ends at finished", function () {
    const { send, sent, conn } = setup();
    send("transcribe", { language: "en" });
    send("audio-start", FORMAT);
    send("audio-stop");
    assert.strictEqual(conn.deliver("c1-1", { kind: "response", tokens: [final("hi"), final("<end>")], finished: false }), "added");
    assert.strictEqual(conn.deliver("c1-1", { kind: "response", tokens: [final(" there")], finished: true }), "answered");
    assert.deepStrictEqual(sent.map((e) => [e.type, e.data]), [["transcript", { text: "hi there", language: "en" }]]);
    assert.strictEqual(conn.deliver("c1-1", { kind: "response", tokens: [final("late")], finished: true }), "settled");
  });

  it("leaves translated tokens out of the transcript", function () {
    const { send, sent, conn } = setup();
    send("audio-start", FORMAT);
    send("audio-stop");
    conn.deliver("c1-1", { kind: "response", tokens: [final("Hallo"), { text: "Hello", is_final: true, translation_status: "translation" }], finished: true });
    assert.strictEqual(sent[0].data.text, "Hallo");
  });

  it("ends a token-filter utterance stream at reason finished, or endpoint with endpointing", function () {
    const plain = setup();
    plain.send("audio-start", FORMAT);
    plain.send("audio-stop");
    assert.strictEqual(plain.conn.deliver("c1-1", { kind: "utterance", text: "Turn on.", reason: "endpoint" }), "added");
    assert.strictEqual(plain.conn.deliver("c1-1", { kind: "utterance", text: "The lights.", reason: "finished" }), "answered");
    assert.strictEqual(plain.sent[0].data.text, "Turn on. The lights.");
    const early = setup({ endpointing: true });
    early.send("audio-start", FORMAT);
    assert.strictEqual(early.conn.deliver("c1-1", { kind: "utterance", text: "Turn on.", reason: "endpoint" }), "answered");
    assert.deepStrictEqual(early.calls.filter((c) => c[0] === "cancel"), [["cancel", "c1-1", "answered"]]);
  });

  it("times out with an empty transcript and tells the flow", function () {
    const { send, sent, calls, clock } = setup({ streaming: true });
    send("transcribe", { language: "de" });
    send("audio-start", FORMAT);
    send("audio-stop");
    clock.tick(999);
    assert.deepStrictEqual(sent, []);
    clock.tick(1);
    assert.deepStrictEqual(sent.map((e) => [e.type, e.data]), [["transcript-start", { language: "de" }], ["transcript", { text: "", language: "de" }], ["transcript-stop", {}]]);
    assert.deepStrictEqual(calls.filter((c) => ["timeout", "cancel"].includes(c[0])), [["timeout", "c1-1", 1000], ["cancel", "c1-1", "timeout"]]);
  });

  it("a new transcribe mid-command cancels the old one (replaced)", function () {
    const { send, calls } = setup();
    send("audio-start", FORMAT);
    send("transcribe", {});
    assert.deepStrictEqual(calls.filter((c) => c[0] === "cancel"), [["cancel", "c1-1", "replaced"]]);
  });
});
