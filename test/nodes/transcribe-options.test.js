"use strict";
// The dialog's settings as the node reads them: the bounds here are the ones the runtime enforces,
// whatever the editor let through (a flow file can be edited by hand or imported).
const assert = require("assert");
const { streamSettings } = require("../../dist/nodes/lib/transcribe-options");

function refusal(cfg) {
  try {
    streamSettings(cfg);
  } catch (err) {
    return err;
  }
  return null;
}

describe("transcribe-options streamSettings", function () {
  it("takes a keepalive interval from 1 to 15 s and defaults to 8 s", function () {
    assert.strictEqual(streamSettings({}).keepaliveIntervalMs, 8000);
    assert.strictEqual(streamSettings({ keepaliveInterval: "" }).keepaliveIntervalMs, 8000);
    assert.strictEqual(streamSettings({ keepaliveInterval: 1 }).keepaliveIntervalMs, 1000);
    assert.strictEqual(streamSettings({ keepaliveInterval: "15" }).keepaliveIntervalMs, 15000);
  });

  // Soniox closes a stream after 20 s without audio or keepalive (../shared/soniox-protocol.md);
  // 15 s leaves room for a slow network, so anything above it is refused, not quietly clamped.
  it("refuses a keepalive interval above 15 s or below 1 s, naming the field and its range", function () {
    for (const value of [15.5, 16, 20, 25, "25", 0.5, 0, -1, "soon"]) {
      const err = refusal({ keepaliveInterval: value });
      assert.ok(err, `keepaliveInterval ${JSON.stringify(value)} was accepted`);
      assert.strictEqual(err.code, "invalid_config");
      assert.ok(err.message.includes(`Keepalive interval (s) must be a number from 1 to 15 (got ${JSON.stringify(value)})`), err.message);
    }
  });
});
