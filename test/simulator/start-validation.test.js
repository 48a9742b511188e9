"use strict";
const assert = require("assert");
const { START, within, tone16, useSimulator } = require("./helpers");

const MISSING_FORMAT =
  'Missing audio format. Specify a valid audio format (e.g. s16le, f32le, wav, ogg, flac...) or "auto" for auto format detection.';

/** [what, start message (object or raw text), expected error text] */
const CASES = [
  ["malformed JSON", "{not json", "Start request is malformed."],
  ["a JSON array", "[1,2]", "Start request is malformed."],
  ["no model", { ...START, model: undefined }, "Invalid model specified."],
  ["an unknown model", { ...START, model: "stt-rt-v1" }, "Invalid model specified."],
  ["no audio_format", { ...START, audio_format: undefined }, MISSING_FORMAT],
  ["an unknown audio_format", { ...START, audio_format: "avi" }, "Invalid audio data format: avi"],
  ["raw without sample_rate", { ...START, sample_rate: undefined }, "Audio data sample rate must be specified for PCM formats"],
  ["raw without num_channels", { ...START, num_channels: undefined }, "Audio data channels must be specified for PCM formats"],
  ["duplicate language hints", { ...START, language_hints: ["en", "en"] }, "Language hints must be unique."],
  ["an unknown language hint", { ...START, language_hints: ["en", "xx"] }, "Invalid language hint."],
  ["a context over 20000 chars", { ...START, context: { text: "a".repeat(20001) } }, "Context is too long (max length 20000)."],
  ["a legacy string context over 20000 chars", { ...START, context: "a".repeat(20001) }, "Context is too long (max length 20000)."],
  ["client_reference_id over 256", { ...START, client_reference_id: "r".repeat(257) }, "Client reference ID is too long (max length 256)"],
  ["max_endpoint_delay_ms 499", { ...START, max_endpoint_delay_ms: 499 }, /max_endpoint_delay_ms.*500 to 3000.*simulator text/],
  ["max_endpoint_delay_ms 3001", { ...START, max_endpoint_delay_ms: 3001 }, /max_endpoint_delay_ms/],
  ["endpoint_sensitivity 1.5", { ...START, endpoint_sensitivity: 1.5 }, /endpoint_sensitivity.*-1 to 1/],
  ["endpoint_latency_adjustment_level 4", { ...START, endpoint_latency_adjustment_level: 4 }, /endpoint_latency_adjustment_level/],
  ["endpoint_latency_adjustment_level 1.5", { ...START, endpoint_latency_adjustment_level: 1.5 }, /endpoint_latency_adjustment_level/],
  ["a one_way target that is no language", { ...START, translation: { type: "one_way", target_language: "zz" } }, "Invalid translation target language."],
  ["a two_way pair with a bad language", { ...START, translation: { type: "two_way", language_a: "en", language_b: "q" } }, "Invalid translation target language."],
  ["an unknown translation type", { ...START, translation: { type: "three_way" } }, /translation: type must be/],
];

describe("simulator: start message validation", function () {
  const t = useSimulator(() => ({}));

  async function startWith(start) {
    const c = t.client();
    await within(c.opened, 2000, "open");
    c.ws.send(typeof start === "string" ? start : JSON.stringify(start));
    const { code } = await within(c.closed, 2000, "close after the error");
    return { c, code };
  }

  for (const [what, start, expected] of CASES) {
    it(`refuses ${what} with 400`, async () => {
      const { c, code } = await startWith(start);
      assert.strictEqual(c.messages.length, 1);
      assert.strictEqual(c.messages[0].error_code, 400);
      if (expected instanceof RegExp) assert.match(c.messages[0].error_message, expected);
      else assert.strictEqual(c.messages[0].error_message, expected);
      assert.deepStrictEqual(c.messages[0].tokens, []);
      assert.strictEqual(code, 1000);
    });
  }

  it("refuses a binary start message with the documented text", async () => {
    const c = t.client();
    await within(c.opened, 2000, "open");
    c.ws.send(Buffer.from(JSON.stringify(START)));
    await within(c.closed, 2000, "close");
    assert.strictEqual(c.messages[0].error_message, "Start request must be a text message.");
  });

  it("refuses translation on a model that does not support it", async () => {
    t.sim.options = { translationModels: [] };
    const { c } = await startWith({ ...START, translation: { type: "one_way", target_language: "fr" } });
    assert.strictEqual(c.messages[0].error_message, "Model does not support translations.");
  });

  it("refuses unknown fields when strict (the default) and ignores them when lenient (UNCONFIRMED)", async () => {
    t.sim.options = { strict: false };
    const ok = t.client();
    await within(ok.opened, 2000, "open");
    ok.ws.send(JSON.stringify({ ...START, shiny_new_field: 1 }));
    ok.ws.send(tone16(200));
    ok.ws.send("");
    await within(ok.closed, 2000, "close");
    assert.ok(ok.messages.at(-1).finished);

    t.sim.options = {};
    const { c } = await startWith({ ...START, shiny_new_field: 1 });
    assert.match(c.messages[0].error_message, /Unknown field in start request: shiny_new_field/);
  });

  it("accepts every documented field at its limits", async () => {
    const c = t.client();
    await within(c.opened, 2000, "open");
    c.ws.send(
      JSON.stringify({
        ...START,
        model: "stt-rt-v4",
        language_hints: ["en", "de"],
        language_hints_strict: true,
        context: { general: [{ key: "domain", value: "test" }], text: "a".repeat(19000), terms: ["Soniox"] },
        client_reference_id: "r".repeat(256),
        enable_endpoint_detection: true,
        max_endpoint_delay_ms: 3000,
        endpoint_sensitivity: -1,
        endpoint_latency_adjustment_level: 3,
        translation: { type: "two_way", language_a: "en", language_b: "de" },
      }),
    );
    c.ws.send(tone16(200));
    c.ws.send("");
    await within(c.closed, 2000, "close");
    assert.strictEqual(t.sim.connections[0].error, null);
    assert.strictEqual(t.sim.connections[0].startMessage.model, "stt-rt-v4");
  });

  it("sends 408 Start request timeout when no start message arrives", async () => {
    t.sim.options = { startTimeoutMs: 100 };
    const c = t.client();
    await within(c.opened, 2000, "open");
    await within(c.closed, 2000, "close after the start timeout");
    assert.deepStrictEqual(c.messages, [{ error_code: 408, error_message: "Start request timeout", tokens: [] }]);
  });

  it("lets keepalives before the start message hold the start timeout off", async () => {
    t.sim.options = { startTimeoutMs: 250 };
    const c = t.client();
    await within(c.opened, 2000, "open");
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 80));
      c.ws.send(JSON.stringify({ type: "keepalive" }));
    }
    c.ws.send(JSON.stringify(START));
    c.ws.send(tone16(200));
    c.ws.send("");
    await within(c.closed, 2000, "close");
    assert.ok(c.messages.at(-1).finished, JSON.stringify(c.messages));
    assert.strictEqual(t.sim.connections[0].controlMessages.length, 4);
  });
});
