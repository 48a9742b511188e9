"use strict";
// The start-field table is what the validator, the node's start-message builder, the did-you-mean
// check and the editor's defaults read: each row is held to what they do with it here.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { START_FIELD_TABLE, START_FIELDS, unknownStartFields, likelyStartField, validateStartMessage } = require("../../../dist/core/session");
const { baseStartMessage, TRANSCRIBE_DIALOG_DEFAULTS } = require("../../../dist/nodes/lib/transcribe-options");
const { validateStart } = require("../../../dist/simulator/start-validation");

const BASE = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };
/** A valid value for each kind of field. */
const VALID = {
  model: "stt-rt-v5",
  "audio-format": "pcm_s16le",
  boolean: true,
  languages: ["en", "de"],
  text: "ref-1",
  context: { terms: ["Soniox"] },
  translation: { type: "one_way", target_language: "de" },
};
const validValue = (field) => (field.min !== undefined ? field.max : VALID[field.kind]);
const problemsOf = (start) => {
  try {
    validateStartMessage(start);
    return "";
  } catch (err) {
    return err.message;
  }
};

describe("start-field table", function () {
  it("holds every field Soniox documents (protocol notes §3), and only those", function () {
    const documented = ["model", "audio_format", "sample_rate", "num_channels", "language_hints", "language_hints_strict", "context", "enable_speaker_diarization", "enable_language_identification", "enable_endpoint_detection", "max_endpoint_delay_ms", "endpoint_sensitivity", "endpoint_latency_adjustment_level", "client_reference_id", "translation"];
    assert.deepStrictEqual(START_FIELD_TABLE.map((f) => f.wire).sort(), documented.sort());
  });

  it("is the set of names msg.soniox may use without a did-you-mean warning, and typos are paired with its rows", function () {
    assert.deepStrictEqual(START_FIELDS, START_FIELD_TABLE.map((f) => f.wire));
    assert.deepStrictEqual(unknownStartFields(Object.fromEntries(START_FIELD_TABLE.map((f) => [f.wire, 1]))), []);
    for (const { wire } of START_FIELD_TABLE) assert.strictEqual(likelyStartField(`${wire}s`), wire);
  });

  it("each row's kind and range is what the validator accepts and refuses, naming the field", function () {
    for (const field of START_FIELD_TABLE) {
      assert.strictEqual(problemsOf({ ...BASE, [field.wire]: validValue(field) }), "", field.wire);
      const bad = [];
      if (field.kind === "boolean") bad.push("yes", 1);
      if (field.min !== undefined) bad.push(field.min - 1, field.max + 1, "5");
      if (field.kind === "integer") bad.push(field.min + 0.5);
      if (field.kind === "text") bad.push("x".repeat(field.maxLength + 1), 5);
      if (field.kind === "languages") bad.push("en", ["english"], ["en", "en"]);
      if (field.kind === "context") bad.push(5, "x".repeat(field.maxLength + 1));
      if (field.kind === "translation") bad.push({ type: "three_way" });
      if (field.kind === "model") bad.push("", 5);
      if (field.kind === "audio-format") bad.push("wave");
      for (const value of bad) {
        const start = { ...BASE, [field.wire]: value };
        assert.match(problemsOf(start), new RegExp(`Invalid Soniox options: .*${field.wire}`), `${field.wire} = ${JSON.stringify(value)}`);
        if (field.min !== undefined) assert.match(problemsOf(start), new RegExp(`from ${field.min} to ${field.max}`));
      }
    }
  });

  it("each row with a dialog property is built into the node's start message from it, defaults included", function () {
    const raw = { audioFormat: "pcm_s16le" };
    for (const field of START_FIELD_TABLE.filter((f) => f.dialog !== null)) {
      const fromDefault = baseStartMessage({ ...raw, [field.dialog]: field.dialogDefault });
      const { [field.dialog]: _, ...missing } = raw;
      assert.deepStrictEqual(baseStartMessage(missing), fromDefault, `a missing ${field.dialog} is its default`);
      if (field.kind === "boolean") {
        assert.strictEqual(baseStartMessage({ ...raw, [field.dialog]: true })[field.wire], true, field.dialog);
        assert.ok(!(field.wire in baseStartMessage({ ...raw, [field.dialog]: false })), field.dialog);
      }
      if (field.min !== undefined) {
        assert.strictEqual(baseStartMessage({ ...raw, [field.dialog]: String(field.max) })[field.wire], field.max, field.dialog);
        if (field.dialogDefault === "") assert.ok(!(field.wire in fromDefault), `a blank ${field.dialog} leaves ${field.wire} to Soniox`);
      }
      assert.strictEqual(TRANSCRIBE_DIALOG_DEFAULTS[field.dialog], field.dialogDefault, `the editor's default of ${field.dialog}`);
    }
    // Every field the node builds has a row, in the table's order.
    const full = baseStartMessage({ ...raw, languageHints: "en", languageHintsStrict: true, clientReferenceId: "r", contextText: "t", translation: "one_way", translationTargetLanguage: "de", maxEndpointDelayMs: 500 });
    const order = START_FIELD_TABLE.map((f) => f.wire);
    assert.deepStrictEqual(Object.keys(full), order.filter((w) => w in full));
  });

  it("is listed in the transcribe node's help in every language", function () {
    for (const locale of ["en-US", "de", "ja"]) {
      const help = fs.readFileSync(path.join(__dirname, `../../../nodes/locales/${locale}/soniox-transcribe.html`), "utf8");
      for (const { wire } of START_FIELD_TABLE) assert.ok(help.includes(`<code>${wire}</code>`), `${locale} help names ${wire}`);
    }
  });

  it("names only fields the simulator (which keeps its own list from the protocol notes) also knows", function () {
    const start = Object.fromEntries(START_FIELD_TABLE.map((f) => [f.wire, validValue(f)]));
    assert.strictEqual(problemsOf(start), "");
    const check = validateStart(start, { models: ["stt-rt-v5"], translationModels: ["stt-rt-v5"], rejectUnknownFields: true });
    assert.deepStrictEqual(check.ok ? "ok" : check.message, "ok");
  });
});
