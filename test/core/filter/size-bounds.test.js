"use strict";
// Text a server controls is held bounded in characters, not only in tokens: a hostile server can
// send a few huge tokens instead of many small ones.
const assert = require("assert");
const { UtteranceAssembler, CaptionBuilder } = require("../../../dist/core/filter");

const big = (n, c = "x") => ({ text: c.repeat(n), is_final: true });

describe("filter size bounds", function () {
  it("emits an utterance early when its held text reaches maxChars, however few tokens", function () {
    const a = new UtteranceAssembler({ maxChars: 1000 });
    assert.deepStrictEqual(a.push([big(600)]), []);
    const out = a.push([big(600, "y"), big(10, "z")]);
    assert.strictEqual(out.length, 1);
    assert.strictEqual(out[0].reason, "endpoint");
    assert.strictEqual(out[0].text.length, 1200);
    const rest = a.push([], true);
    assert.strictEqual(rest[0].text, "z".repeat(10), "the count starts again after the early cut");
  });

  it("bounds the default at 16384 characters: a 1 MB token is emitted on its own", function () {
    const a = new UtteranceAssembler();
    const out = a.push([{ text: "hello ", is_final: true }, big(1024 * 1024)]);
    assert.strictEqual(out.length, 1);
    assert.strictEqual(a.push([{ text: "after", is_final: true }], true)[0].text, "after");
  });

  it("refuses a maxChars that is not a positive integer", function () {
    assert.throws(() => new UtteranceAssembler({ maxChars: 0 }), /maxChars must be a positive integer, got 0/);
  });

  it("cuts a huge provisional tail of a caption to the caption length", function () {
    const c = new CaptionBuilder(50);
    const caption = c.update([{ text: " start", is_final: true }, { text: " word".repeat(200000), is_final: false }]);
    assert.ok(caption.non_final.length <= 50, `${caption.non_final.length}`);
    assert.ok(caption.text.length <= 100, `${caption.text.length}`);
  });
});
