"use strict";
// One message to soniox-transcribe taken apart for its stream registry: what it carries, and what
// it is refused for before its stream is even looked up.
const assert = require("assert");
const { getMessageProperty } = require("@node-red/util").util;
const { streamInputOf } = require("../../dist/nodes/lib/transcribe-input");
const { streamKeyReader } = require("../../dist/core/streams");

const byTopic = streamKeyReader("topic", getMessageProperty);

describe("transcribe-input streamInputOf", function () {
  it("takes audio, the stream, msg.soniox and the reply properties; a command comes parsed", function () {
    const audio = Buffer.from([1, 2, 3, 4]);
    const input = streamInputOf({ topic: "hall", payload: audio, soniox: { language_hints: ["de"] }, _session: { id: "s" }, _client: "c", _msgid: "m" }, byTopic);
    assert.deepStrictEqual(input, {
      key: "hall",
      audio,
      command: null,
      overrides: { language_hints: ["de"] },
      routing: { _session: { id: "s" }, _client: "c" },
      props: { rate: undefined, channels: undefined, bits: undefined, encoding: undefined, format: undefined },
    });
    const stop = streamInputOf({ payload: 1712345678901, control: "stop" }, byTopic);
    assert.deepStrictEqual([stop.key, stop.audio, stop.command], ["default", null, { type: "stop" }]);
  });

  it("passes the sox-record audio properties on, and one shared empty set when a message has none", function () {
    const described = streamInputOf({ payload: Buffer.alloc(4), rate: 8000, channels: 2, bits: 16, encoding: "signed-integer" }, byTopic);
    assert.deepStrictEqual(described.props, { rate: 8000, channels: 2, bits: 16, encoding: "signed-integer", format: undefined });
    const a = streamInputOf({ payload: Buffer.alloc(4) }, byTopic);
    const b = streamInputOf({ payload: Buffer.alloc(4) }, byTopic);
    assert.strictEqual(a.props, b.props);
    assert.ok(Object.isFrozen(a.props), "the shared set cannot be written to");
  });

  it("refuses a message with neither audio nor a command, before reading its stream key", function () {
    const failingKey = () => {
      throw new Error("the stream key was read");
    };
    for (const payload of [undefined, null, Buffer.alloc(0), ""]) {
      assert.throws(() => streamInputOf({ payload }, failingKey), (err) => err.code === "invalid_config" && err.key === "empty-payload", String(payload));
    }
    assert.throws(() => streamInputOf({ payload: [1, 2] }, failingKey), (err) => err.key === "audio.payload-not-bytes");
    assert.throws(() => streamInputOf({ payload: Buffer.alloc(2), control: "shout" }, failingKey), (err) => err.key === "control.unknown");
  });
});
