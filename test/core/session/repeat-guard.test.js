"use strict";
// After a replay the new session may finalize a word again; the guard drops such repeats and
// nothing else, and costs nothing (no copy of the token array) when there is nothing to drop.
const assert = require("assert");
const { RepeatGuard } = require("../../../dist/core/session/repeat-guard");

const word = (text, start_ms, end_ms, is_final = true) => ({ text, start_ms, end_ms, is_final });

describe("RepeatGuard", function () {
  it("gives the response's own array back when nothing repeats", () => {
    const guard = new RepeatGuard();
    const first = [word("one", 0, 400), word(" two", 400, 800, false)];
    assert.strictEqual(guard.filter(first), first);
    const next = [word(" two", 400, 800), { text: "<end>", is_final: true }];
    assert.strictEqual(guard.filter(next), next);
    assert.strictEqual(guard.droppedFinals, 0);
  });

  it("drops finals heard again after a replay, counts them, and leaves the input array alone", () => {
    const guard = new RepeatGuard();
    guard.filter([word("one", 0, 400), word(" two", 400, 800)]);
    const replayed = [word(" two", 410, 790), { text: "<fin>", is_final: true }, word(" three", 800, 1200), word(" four", 1200, 1500, false)];
    const kept = guard.filter(replayed);
    assert.deepStrictEqual(kept.map((t) => t.text), ["<fin>", " three", " four"]);
    assert.strictEqual(guard.droppedFinals, 1);
    assert.strictEqual(replayed.length, 4, "the response's array is not changed");
  });

  it("judges each token against the words delivered before it in the same response", () => {
    const guard = new RepeatGuard();
    const kept = guard.filter([word("one", 0, 500), word("one", 100, 400), word(" two", 500, 900)]);
    assert.deepStrictEqual(kept.map((t) => [t.text, t.start_ms]), [["one", 0], [" two", 500]]);
    assert.strictEqual(guard.droppedFinals, 1);
  });

  it("drops a non-final repeat too (it would show a repeated word) without counting it as a final", () => {
    const guard = new RepeatGuard();
    guard.filter([word("one", 0, 400)]);
    const kept = guard.filter([word("one", 0, 400, false), word(" two", 400, 700, false)]);
    assert.deepStrictEqual(kept.map((t) => t.text), [" two"]);
    assert.strictEqual(guard.droppedFinals, 0);
  });
});
