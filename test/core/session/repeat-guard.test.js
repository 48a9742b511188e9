"use strict";
// After a replay the new session may finalize a word again; the guard drops such repeats and
// nothing else, and costs nothing (no copy of the token array) when there is nothing to drop.
const assert = require("assert");
const { RepeatGuard, SessionTokens } = require("../../../dist/core/session/repeat-guard");

const word = (text, start_ms, end_ms, is_final = true) => ({ text, start_ms, end_ms, is_final });
const marker = (text) => ({ text, is_final: true });
const translated = (text, is_final = true) => ({ text, is_final, translation_status: "translation" });
const texts = (tokens) => tokens.map((t) => t.text);

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

  it("judges a word by its middle: a repeat ending a little later goes, a new word starting a little earlier stays", () => {
    // The replaying session's times differ by a few ms from the first session's.
    const guard = new RepeatGuard();
    guard.filter([word("one", 0, 400), word(" two", 400, 800)]);
    const kept = guard.filter([word(" two", 420, 810), word(" three", 790, 1200)], new SessionTokens());
    assert.deepStrictEqual(texts(kept), [" three"]);
    assert.strictEqual(guard.droppedFinals, 1);
  });

  it("drops an <end> after a repeated word when that utterance was already closed, and keeps the next one", () => {
    const guard = new RepeatGuard();
    guard.filter([word("one", 0, 400), word(" two", 400, 800), marker("<end>")]);
    const kept = guard.filter([word(" two", 410, 790), marker("<end>"), word(" three", 800, 1200), marker("<end>")], new SessionTokens());
    assert.deepStrictEqual(texts(kept), [" three", "<end>"]);
    assert.strictEqual(guard.droppedFinals, 2);
  });

  it("drops a translation run whose originals were translated before, and keeps the run of new originals", () => {
    const guard = new RepeatGuard();
    const first = [word("Hello", 0, 400), word(" world", 400, 800), translated("Hallo"), translated(" Welt")];
    assert.strictEqual(guard.filter(first), first);
    const replay = new SessionTokens();
    assert.deepStrictEqual(texts(guard.filter([word(" world", 410, 790), translated(" Welt")], replay)), []);
    assert.deepStrictEqual(texts(guard.filter([word(" again", 800, 1200), translated(" wieder")], replay)), [" again", " wieder"]);
    assert.strictEqual(guard.droppedFinals, 2);
  });
});
