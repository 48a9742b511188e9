"use strict";
// Names in msg.soniox that are no start-message field: each is told apart from the documented
// ones and paired with the field it most likely meant, so a typo is reported, not sent or lost.
const assert = require("assert");
const { unknownStartFields, likelyStartField, START_FIELDS } = require("../../../dist/core/session");

describe("unknownStartFields", function () {
  it("knows every documented field and nothing else", function () {
    const all = Object.fromEntries(START_FIELDS.map((f) => [f, 1]));
    assert.deepStrictEqual(unknownStartFields(all), []);
  });

  it("pairs a typo with the field it meant", function () {
    const names = unknownStartFields({ enable_endpoint_detections: true, languge_hints: ["en"], SAMPLE_RATE: 8000 });
    assert.deepStrictEqual(
      names.map((name) => [name, likelyStartField(name)]),
      [
        ["enable_endpoint_detections", "enable_endpoint_detection"],
        ["languge_hints", "language_hints"],
        ["SAMPLE_RATE", "sample_rate"],
      ],
    );
  });

  it("names no field when none is close (a genuinely new option)", function () {
    assert.deepStrictEqual(unknownStartFields({ shiny_new_option: 1 }), ["shiny_new_option"]);
    assert.strictEqual(likelyStartField("shiny_new_option"), null);
    // No distance is measured for a name far longer than any field.
    assert.strictEqual(likelyStartField(`language_hints${"x".repeat(100)}`), null);
  });

  it("treats names the caller knows as known", function () {
    assert.deepStrictEqual(unknownStartFields({ api_key: "k" }, ["api_key"]), []);
  });
});
