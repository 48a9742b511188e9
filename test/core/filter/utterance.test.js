"use strict";
const assert = require("assert");
const { UtteranceAssembler } = require("../../../dist/core/filter/utterance");
const { responses } = require("../../fixtures/tokens/load");

/** Feeds every response of a fixture and returns all utterances, in order. */
function assemble(name, options) {
  const assembler = new UtteranceAssembler(options);
  return responses(name).flatMap((r) => assembler.push(r.tokens, r.finished === true));
}

function brief(u) {
  return { text: u.text, reason: u.reason, speaker: u.speaker, language: u.language, translation: u.translation };
}

describe("UtteranceAssembler", function () {
  it("completes a segment at <end>, ignores non-final revisions, and flushes the rest at finished", function () {
    const out = assemble("endpoint-revisions");
    assert.deepStrictEqual(out.map(brief), [
      { text: "How are you doing?", reason: "endpoint", speaker: "1", language: "en", translation: null },
      { text: "Fine, thanks.", reason: "finished", speaker: "2", language: "en", translation: null },
    ]);
    const first = out[0];
    assert.strictEqual(first.start_ms, 120);
    assert.strictEqual(first.end_ms, 960);
    assert.ok(Math.abs(first.confidence - (0.95 + 0.93 + 0.97 + 0.91 + 0.99) / 5) < 1e-12);
    assert.deepStrictEqual(
      first.tokens.map((t) => t.text),
      ["How", " are", " you", " doing", "?"],
    );
    assert.ok(first.tokens.every((t) => t.is_final));
  });

  it("emits one segment per <fin>, several in one response, and skips empty ones", function () {
    const assembler = new UtteranceAssembler();
    const rs = responses("multi-fin");
    assert.deepStrictEqual(assembler.push(rs[0].tokens), []);
    const second = assembler.push(rs[1].tokens);
    assert.deepStrictEqual(
      second.map((u) => [u.text, u.reason]),
      [
        ["Turn on", "finalize"],
        ["the lights", "finalize"],
      ],
    );
    assert.deepStrictEqual(
      assembler.push(rs[2].tokens).map((u) => u.text),
      ["please."],
    );
    assert.deepStrictEqual(assembler.push(rs[3].tokens, true), []);
  });

  it("puts translated tokens in the translation text, not the text, and excludes them from tokens", function () {
    const out = assemble("translation-two-way");
    assert.deepStrictEqual(out.map(brief), [
      {
        text: "Hello everyone, thank you.",
        reason: "endpoint",
        speaker: "1",
        language: "en",
        translation: "Hallo zusammen, danke.",
      },
      { text: "Guten Morgen merci", reason: "endpoint", speaker: "2", language: "de", translation: "Good morning" },
    ]);
    assert.ok(out.every((u) => u.tokens.every((t) => t.translation_status !== "translation")));
    // Translated tokens carry no timestamps; the segment's span comes from the spoken ones.
    assert.strictEqual(out[0].start_ms, 100);
    assert.strictEqual(out[0].end_ms, 1320);
  });

  it("takes the speaker and language of most tokens, the first one on a tie", function () {
    const out = assemble("speakers-languages");
    assert.deepStrictEqual(
      out.map((u) => [u.text, u.reason, u.speaker, u.language]),
      [
        ["Good morning. Hi there, hola. I need a table.", "finalize", "1", "en"],
        ["Thanks!", "finished", "2", "en"],
      ],
    );
    const assembler = new UtteranceAssembler();
    const tie = assembler.push([
      { text: "a", is_final: true, speaker: "3", language: "fr" },
      { text: "b", is_final: true, speaker: "4", language: "es" },
      { text: "<end>", is_final: true },
    ]);
    assert.strictEqual(tie[0].speaker, "3");
    assert.strictEqual(tie[0].language, "fr");
  });

  it("reports null for fields no token carries", function () {
    const out = new UtteranceAssembler().push([{ text: " hi ", is_final: true }], true);
    assert.deepStrictEqual(out, [
      {
        text: "hi",
        tokens: [{ text: " hi ", is_final: true }],
        start_ms: null,
        end_ms: null,
        speaker: null,
        language: null,
        confidence: null,
        reason: "finished",
        translation: null,
      },
    ]);
  });

  it("keeps the text verbatim (inner spacing untouched) and trims only the ends", function () {
    const out = new UtteranceAssembler().push(
      [
        { text: "  New", is_final: true },
        { text: "  York ", is_final: true },
        { text: "<end>", is_final: true },
      ],
      false,
    );
    assert.strictEqual(out[0].text, "New  York");
  });

  it("flushes a segment as an endpoint when it reaches maxTokens, so memory stays bounded", function () {
    const assembler = new UtteranceAssembler({ maxTokens: 3 });
    const words = ["one", " two", " three", " four", " five"].map((text) => ({ text, is_final: true }));
    const out = assembler.push(words, true);
    assert.deepStrictEqual(
      out.map((u) => [u.text, u.reason]),
      [
        ["one two three", "endpoint"],
        ["four five", "finished"],
      ],
    );
  });

  it("rejects a maxTokens that is not a positive integer", function () {
    assert.throws(() => new UtteranceAssembler({ maxTokens: 0 }), /maxTokens must be a positive integer, got 0/);
    assert.throws(() => new UtteranceAssembler({ maxTokens: 1.5 }), RangeError);
  });

  it("forgets the open segment on reset and after finished", function () {
    const assembler = new UtteranceAssembler();
    assembler.push([{ text: "stale", is_final: true }]);
    assembler.reset();
    assert.deepStrictEqual(
      assembler.push([{ text: "fresh", is_final: true }, { text: "<fin>", is_final: true }]).map((u) => u.text),
      ["fresh"],
    );
    assembler.push([{ text: "last", is_final: true }], true);
    assert.deepStrictEqual(assembler.push([{ text: "<end>", is_final: true }]), []);
  });
});
