"use strict";
const assert = require("assert");
const { validateStartMessage } = require("../../../dist/core/session/start-message");

const base = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };

describe("validateStartMessage", function () {
  it("accepts every current option at the edges of its range", function () {
    const full = {
      ...base,
      language_hints: ["en", "es"],
      language_hints_strict: true,
      context: { general: [{ key: "domain", value: "home" }], text: "kitchen", terms: ["Node-RED"], translation_terms: [{ source: "a", target: "b" }] },
      enable_speaker_diarization: true,
      enable_language_identification: true,
      enable_endpoint_detection: true,
      max_endpoint_delay_ms: 500,
      endpoint_sensitivity: -1,
      endpoint_latency_adjustment_level: 3,
      client_reference_id: "x".repeat(256),
      translation: { type: "two_way", language_a: "en", language_b: "de" },
      some_future_field: 1,
    };
    assert.strictEqual(validateStartMessage(full), full);
    assert.ok(validateStartMessage({ model: "stt-rt-v5", audio_format: "auto" }));
    assert.ok(validateStartMessage({ ...base, translation: { type: "one_way", target_language: "fr" } }));
  });

  const cases = [
    [{ model: "" }, /model must be a model name/],
    [{ audio_format: "avi" }, /audio_format must be .*"avi"/],
    [{ sample_rate: undefined }, /sample_rate is required for pcm_s16le/],
    [{ num_channels: undefined }, /num_channels is required for pcm_s16le/],
    [{ num_channels: 3 }, /num_channels must be an integer from 1 to 2 \(got 3\)/],
    [{ sample_rate: 44100.5 }, /sample_rate must be an integer/],
    [{ language_hints: ["en", "en"] }, /language_hints must be unique/],
    [{ language_hints: ["english"] }, /language_hints\[0\] must be an ISO 639-1 language code/],
    [{ language_hints: "en" }, /language_hints must be a list/],
    [{ max_endpoint_delay_ms: 100 }, /max_endpoint_delay_ms must be an integer from 500 to 3000 \(got 100\)/],
    [{ max_endpoint_delay_ms: 3001 }, /max_endpoint_delay_ms must be an integer from 500 to 3000/],
    [{ endpoint_sensitivity: 1.5 }, /endpoint_sensitivity must be a number from -1 to 1 \(got 1.5\)/],
    [{ endpoint_latency_adjustment_level: 4 }, /endpoint_latency_adjustment_level must be an integer from 0 to 3/],
    [{ client_reference_id: "x".repeat(257) }, /client_reference_id must be text of at most 256/],
    [{ context: { text: "x".repeat(10001) } }, /context must hold at most 10000 characters of text in total \(it has 10001\)/],
    [{ context: { text: "x".repeat(5000), terms: ["y".repeat(5001)] } }, /it has 10001/],
    [{ context: { general: [{ key: 1 }] } }, /context.general must be a list of \{key, value\}/],
    [{ translation: { type: "one_way" } }, /translation.target_language must be an ISO 639-1/],
    [{ translation: { type: "two_way", language_a: "en", language_b: "en" } }, /must differ/],
    [{ translation: { type: "three_way" } }, /translation.type must be "one_way" or "two_way"/],
    [{ enable_endpoint_detection: "yes" }, /enable_endpoint_detection must be true or false/],
    [{ api_key: "k" }, /api_key must not be set in the start message/],
  ];
  for (const [patch, pattern] of cases) {
    it(`refuses ${JSON.stringify(patch).slice(0, 60)} with a message naming the field`, function () {
      const input = { ...base, ...patch };
      for (const k of Object.keys(patch)) if (patch[k] === undefined) delete input[k];
      assert.throws(
        () => validateStartMessage(input),
        (err) => err.code === "invalid_config" && pattern.test(err.message) && !err.message.includes('"k"'),
      );
    });
  }

  it("counts a context's text, not the punctuation of its JSON, as Soniox's limit does", function () {
    const terms = Array.from({ length: 1000 }, () => "wordsxxxx"); // 9000 characters, 13000 as JSON
    const input = { ...base, context: { text: "z".repeat(1000), terms } };
    assert.ok(JSON.stringify(input.context).length > 10000);
    assert.doesNotThrow(() => validateStartMessage(input));
  });

  it("lists every problem at once", function () {
    assert.throws(() => validateStartMessage({ model: "", audio_format: "pcm_s16le" }), (err) => {
      return /model/.test(err.message) && /sample_rate is required/.test(err.message) && /num_channels is required/.test(err.message);
    });
  });
});
