"use strict";
// The response a stream emits (msg.payload of transcribe's first output): its texts, flags, and
// keys in the order flows have always seen them, with and without translation.
const assert = require("assert");
const { responseOf } = require("../../../dist/core/session/results");

const tok = (text, is_final, extra = {}) => ({ text, is_final, ...extra });

describe("the response a stream emits", function () {
  it("final and non-final text, marker flags, audio progress; no translation key without translated tokens", function () {
    const tokens = [tok("Hello", true), tok(" world", false), tok("<end>", true)];
    const r = responseOf(tokens, { tokens, final_audio_proc_ms: 900, total_audio_proc_ms: 1200 }, 2, false);
    assert.strictEqual(Object.getPrototypeOf(r), Object.prototype);
    assert.strictEqual(r.tokens, tokens);
    assert.deepStrictEqual(Object.keys(r), ["tokens", "final_text", "non_final_text", "endpoint", "finalized", "finished", "session", "final_audio_proc_ms", "total_audio_proc_ms"]);
    assert.deepStrictEqual(
      { ...r, tokens: undefined },
      { tokens: undefined, final_text: "Hello", non_final_text: " world", endpoint: true, finalized: false, finished: false, session: 2, final_audio_proc_ms: 900, total_audio_proc_ms: 1200 },
    );
  });

  it("translated tokens go to translation, which comes before session", function () {
    const tokens = [
      tok("Hola", true),
      tok("Hello", true, { translation_status: "translation" }),
      tok(" there", false, { translation_status: "translation" }),
      tok("<fin>", true),
    ];
    const r = responseOf(tokens, { tokens }, 1, true);
    assert.deepStrictEqual(Object.keys(r), ["tokens", "final_text", "non_final_text", "endpoint", "finalized", "finished", "translation", "session"]);
    assert.deepStrictEqual(r.translation, { final_text: "Hello", non_final_text: " there" });
    assert.strictEqual(Object.getPrototypeOf(r.translation), Object.prototype);
    assert.strictEqual(r.final_text, "Hola");
    assert.strictEqual(r.finalized, true);
    assert.strictEqual(r.finished, true);
  });
});
