"use strict";
const assert = require("assert");
const { START, within, tone16, sendChunks, useSimulator } = require("./helpers");

const allTokens = (messages) => messages.flatMap((m) => m.tokens || []);
const spokenFinals = (messages) =>
  allTokens(messages).filter((tk) => tk.is_final && tk.text[0] !== "<" && tk.translation_status !== "translation");
const translations = (messages) => allTokens(messages).filter((tk) => tk.translation_status === "translation");

describe("simulator: speaker, language and translation fields", function () {
  const t = useSimulator();

  async function run(start, options) {
    t.sim.options = { wordMs: 100, ...options };
    const c = t.client();
    await within(c.opened, 2000, "open");
    c.ws.send(JSON.stringify({ ...START, ...start }));
    sendChunks(c.ws, tone16(960));
    c.ws.send("");
    await within(c.closed, 3000, "close");
    assert.ok(c.messages.at(-1).finished, JSON.stringify(c.messages.at(-1)));
    return c.messages;
  }

  it("has no speaker, language or translation fields unless asked", async () => {
    const messages = await run({}, { script: "hi there" });
    for (const tk of allTokens(messages)) {
      assert.deepStrictEqual(Object.keys(tk).sort(), ["confidence", "end_ms", "is_final", "start_ms", "text"]);
    }
  });

  it("labels speakers as strings and switches on [S2]", async () => {
    const messages = await run({ enable_speaker_diarization: true }, { script: "hi there [S2] hello you" });
    assert.deepStrictEqual(
      spokenFinals(messages).map((tk) => [tk.text, tk.speaker]),
      [["hi", "1"], [" there", "1"], [" hello", "2"], [" you", "2"]],
    );
  });

  it("tags languages from the first hint and switches on [de]", async () => {
    const messages = await run(
      { enable_language_identification: true, language_hints: ["en", "de"] },
      { script: "good day [de] guten Tag" },
    );
    assert.deepStrictEqual(
      spokenFinals(messages).map((tk) => tk.language),
      ["en", "en", "de", "de"],
    );
    assert.ok(allTokens(messages).filter((tk) => !tk.is_final).every((tk) => typeof tk.language === "string"));
  });

  it("adds one_way fake translations (upper-cased) with a confidence but no timestamps, as recorded", async () => {
    const messages = await run(
      { translation: { type: "one_way", target_language: "fr" }, enable_speaker_diarization: true },
      { script: "how are you" },
    );
    for (const tk of spokenFinals(messages)) {
      assert.strictEqual(tk.translation_status, "original");
      assert.strictEqual(tk.language, "en");
    }
    const tr = translations(messages);
    assert.strictEqual(tr.map((tk) => tk.text).join(""), "HOW ARE YOU");
    for (const tk of tr) {
      assert.strictEqual(tk.is_final, true);
      assert.strictEqual(tk.language, "fr");
      assert.strictEqual(tk.source_language, "en");
      assert.strictEqual(tk.speaker, "1");
      assert.ok(!("start_ms" in tk) && !("end_ms" in tk), JSON.stringify(tk));
      assert.strictEqual(typeof tk.confidence, "number", JSON.stringify(tk));
    }
  });

  it("translates two_way in both directions and marks other languages none", async () => {
    const messages = await run(
      { translation: { type: "two_way", language_a: "en", language_b: "es" } },
      { script: "hello [es] hola [it] ciao" },
    );
    assert.deepStrictEqual(
      spokenFinals(messages).map((tk) => [tk.text, tk.language, tk.translation_status]),
      [["hello", "en", "original"], [" hola", "es", "original"], [" ciao", "it", "none"]],
    );
    assert.deepStrictEqual(
      translations(messages).map((tk) => [tk.text, tk.language, tk.source_language]),
      [["HELLO", "es", "en"], [" HOLA", "en", "es"]],
    );
  });

  it("passes the start message and connection index to a script function", async () => {
    const messages = await run(
      { client_reference_id: "abc" },
      { script: (start, index) => `ref ${start.client_reference_id} conn ${index}` },
    );
    assert.strictEqual(spokenFinals(messages).map((tk) => tk.text).join(""), "ref abc conn 0");
  });
});
