"use strict";
// The stream-key rule every node shares: which stream a message belongs to, read from a plain
// property directly or through Node-RED's expression reader for a nested one.
const assert = require("assert");
const { getMessageProperty } = require("@node-red/util").util;
const { DEFAULT_STREAM_KEY, streamKeyOf, streamKeyReader } = require("../../../dist/core/streams");

describe("stream keys", function () {
  it("puts a message without a key, or with null or an empty string, in the default stream", function () {
    assert.strictEqual(DEFAULT_STREAM_KEY, "default");
    for (const value of [undefined, null, ""]) assert.strictEqual(streamKeyOf(value), "default", String(value));
  });

  it("keeps a string key as it is, spaces and all, and names any other value by its string form", function () {
    assert.strictEqual(streamKeyOf("kitchen"), "kitchen");
    assert.strictEqual(streamKeyOf(" "), " ");
    assert.strictEqual(streamKeyOf(0), "0");
    assert.strictEqual(streamKeyOf(false), "false");
    assert.strictEqual(streamKeyOf(12.5), "12.5");
    assert.strictEqual(streamKeyOf({ room: 1 }), "[object Object]");
  });

  it("reads a plain property off the message without asking the expression reader", function () {
    const asked = [];
    const keyOf = streamKeyReader("topic", (msg, expr) => asked.push(expr));
    assert.strictEqual(keyOf({ topic: "hall" }), "hall");
    assert.strictEqual(keyOf({ payload: 1 }), "default");
    assert.strictEqual(keyOf({ topic: 7 }), "7");
    assert.deepStrictEqual(asked, []);
  });

  it("reads a nested or msg.-prefixed property through the expression reader, the same rule applied", function () {
    const nested = streamKeyReader("payload.room", getMessageProperty);
    assert.strictEqual(nested({ payload: { room: "attic" } }), "attic");
    assert.strictEqual(nested({ payload: { room: "" } }), "default");
    assert.strictEqual(nested({ payload: {} }), "default");
    assert.strictEqual(streamKeyReader("msg.topic", getMessageProperty)({ topic: "porch" }), "porch");
  });

  it("lets the reader's error through when the property's parent is missing, for the node to report", function () {
    assert.throws(() => streamKeyReader("payload.room", getMessageProperty)({}), /room/);
  });
});
