"use strict";
const assert = require("assert");
const { resolveEndpoint } = require("../../../dist/core/session/endpoint");

describe("resolveEndpoint", function () {
  it("maps regions to Soniox's documented hosts", function () {
    assert.strictEqual(resolveEndpoint("us"), "wss://stt-rt.soniox.com/transcribe-websocket");
    assert.strictEqual(resolveEndpoint(undefined), "wss://stt-rt.soniox.com/transcribe-websocket");
    assert.strictEqual(resolveEndpoint("eu"), "wss://stt-rt.eu.soniox.com/transcribe-websocket");
    assert.strictEqual(resolveEndpoint("jp"), "wss://stt-rt.jp.soniox.com/transcribe-websocket");
  });
  it("accepts wss:// anywhere and ws:// only on loopback", function () {
    assert.strictEqual(resolveEndpoint("custom", "wss://proxy.example/x"), "wss://proxy.example/x");
    assert.strictEqual(resolveEndpoint("custom", "ws://127.0.0.1:8765/transcribe-websocket"), "ws://127.0.0.1:8765/transcribe-websocket");
    assert.strictEqual(resolveEndpoint("custom", "ws://localhost:1/a"), "ws://localhost:1/a");
    assert.ok(resolveEndpoint("custom", "ws://[::1]:1/a"));
    assert.throws(() => resolveEndpoint("custom", "ws://192.168.1.5:8765/"), /unencrypted ws:\/\/ to another machine/);
    assert.throws(() => resolveEndpoint("custom", "http://127.0.0.1/"), /must start with wss:\/\//);
    assert.throws(() => resolveEndpoint("custom", "not a url"), /not a valid URL/);
    assert.throws(() => resolveEndpoint("mars"), /Unknown region "mars"/);
  });
});
