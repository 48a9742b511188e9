"use strict";
const assert = require("assert");
const { parseControl } = require("../../../dist/core/control/parse");

describe("parseControl", function () {
  it("accepts strings, JSON strings and objects for every command", function () {
    for (const t of ["start", "finalize", "keepalive", "pause", "resume", "stop", "cancel"]) {
      assert.deepStrictEqual(parseControl(t), { type: t });
      assert.deepStrictEqual(parseControl(` ${t.toUpperCase()} `), { type: t });
      assert.deepStrictEqual(parseControl({ type: t }), { type: t });
      assert.deepStrictEqual(parseControl(JSON.stringify({ type: t })), { type: t });
    }
    assert.deepStrictEqual(parseControl({ type: "finalize", trailing_silence_ms: 300 }), { type: "finalize", trailing_silence_ms: 300 });
    assert.deepStrictEqual(parseControl('{"type":"finalize","trailing_silence_ms":0}'), { type: "finalize", trailing_silence_ms: 0 });
  });
  it("refuses anything else with a message listing the commands", function () {
    for (const bad of ["explode", "", 42, null, [], { type: 1 }, { kind: "stop" }, "{not json", true]) {
      assert.throws(() => parseControl(bad), /Unknown msg.control .*use one of start, finalize, keepalive, pause, resume, stop, cancel/);
    }
    assert.throws(() => parseControl({ type: "finalize", trailing_silence_ms: -5 }), /trailing_silence_ms must be an integer from 0 to 60000/);
    assert.throws(() => parseControl({ type: "finalize", trailing_silence_ms: "300" }), /trailing_silence_ms/);
  });
});
