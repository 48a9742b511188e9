"use strict";
// Messages are built by plainObject/plainMerge instead of literals (see src/core/plain-object.ts);
// flows must not be able to tell the difference.
const assert = require("assert");
const { plainObject, plainMerge } = require("../../dist/core/plain-object");

describe("plain objects for messages", function () {
  it("equal the literal they replace: prototype, keys in order, values", function () {
    const made = plainObject({ topic: "a", payload: { tokens: [] }, n: 1 });
    assert.strictEqual(Object.getPrototypeOf(made), Object.prototype);
    assert.deepStrictEqual(made, { topic: "a", payload: { tokens: [] }, n: 1 });
    assert.deepStrictEqual(Object.keys(made), ["topic", "payload", "n"]);
    assert.strictEqual(JSON.stringify(made), '{"topic":"a","payload":{"tokens":[]},"n":1}');
  });

  it("merge as a spread does: own enumerable properties (symbols too), later ones win, nothing inherited", function () {
    const sym = Symbol("s");
    const base = Object.create({ inherited: true });
    base.topic = "t";
    base._msgid = "m";
    base[sym] = 1;
    Object.defineProperty(base, "hidden", { value: 1, enumerable: false });
    const merged = plainMerge(base, { topic: "u", payload: "p" });
    assert.deepStrictEqual(merged, { ...base, ...{ topic: "u", payload: "p" } });
    assert.deepStrictEqual(Object.keys(merged), ["topic", "_msgid", "payload"]);
    assert.strictEqual(merged[sym], 1);
    assert.strictEqual("inherited" in merged, false);
  });
});
