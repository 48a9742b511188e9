"use strict";
// Regressions found by the input fuzzer: error texts for msg.control values that JSON cannot show.
const assert = require("assert");
const { parseControl } = require("../../dist/core/control");

describe("fuzz regressions: msg.control error texts", function () {
  it("names a circular control object by its type instead of [object Object]", function () {
    const control = { type: "explode" };
    control.self = control;
    assert.throws(() => parseControl(control), (err) => {
      assert.strictEqual(
        err.message,
        'Unknown msg.control an object with type "explode": use one of start, finalize, keepalive, pause, resume, stop, cancel (a string or {type: ...})',
      );
      return true;
    });
  });

  it("shows NaN, Infinity and BigInt as themselves, not as null or a crash", function () {
    for (const [value, shown] of [[NaN, "NaN"], [Infinity, "Infinity"], [-Infinity, "-Infinity"]]) {
      assert.throws(() => parseControl({ type: "finalize", trailing_silence_ms: value }), (err) => {
        assert.strictEqual(err.message, `trailing_silence_ms must be an integer from 0 to 60000 ms (got ${shown})`);
        return true;
      });
    }
    assert.throws(() => parseControl(BigInt(7)), /^SonioxError: Unknown msg.control 7n: use one of/);
    assert.throws(() => parseControl({ type: BigInt(7) }), /Unknown msg.control an object with type 7n: use one of/);
  });
});
