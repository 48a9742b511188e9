"use strict";
// msg.soniox may only make a temporary key weaker than the node's settings: the owner's settings
// are the ceiling, and anything that would loosen them is refused by name, not quietly clamped.
const assert = require("assert");
const { tightenTempKeyRequest } = require("../../../dist/core/keys");

const BASE = Object.freeze({
  usage_type: "transcribe_websocket",
  expires_in_seconds: 60,
  single_use: true,
  max_session_duration_seconds: 120,
  client_reference_id: "owner",
});

function refusal(base, overrides) {
  try {
    tightenTempKeyRequest(base, overrides);
  } catch (err) {
    return err;
  }
  assert.fail(`${JSON.stringify(overrides)} was taken`);
}

describe("tightenTempKeyRequest", function () {
  it("keeps the node's settings when nothing overrides them, or when an override repeats them", function () {
    assert.deepStrictEqual(tightenTempKeyRequest(BASE, {}), BASE);
    assert.deepStrictEqual(tightenTempKeyRequest(BASE, { ...BASE }), BASE);
  });

  it("takes a shorter expiry and a lower session limit", function () {
    const out = tightenTempKeyRequest(BASE, { expires_in_seconds: 5, max_session_duration_seconds: 30 });
    assert.deepStrictEqual(out, { ...BASE, expires_in_seconds: 5, max_session_duration_seconds: 30 });
  });

  it("keeps the node's session limit for an absent, null or blank one", function () {
    for (const value of [undefined, null, "", "  "]) {
      assert.strictEqual(tightenTempKeyRequest(BASE, { max_session_duration_seconds: value }).max_session_duration_seconds, 120, String(value));
    }
  });

  it("takes a session limit, single use and a reference id where the node set none", function () {
    const base = { usage_type: "transcribe_websocket", expires_in_seconds: 60 };
    const out = tightenTempKeyRequest(base, { max_session_duration_seconds: 600, single_use: true, client_reference_id: "user-42" });
    assert.deepStrictEqual(out, { ...base, max_session_duration_seconds: 600, single_use: true, client_reference_id: "user-42" });
    assert.strictEqual(tightenTempKeyRequest({ ...base, single_use: false }, { single_use: false }).single_use, false);
  });

  it("refuses whatever would loosen the node's settings, naming the field", function () {
    const cases = [
      [{ expires_in_seconds: 61 }, "keys.tighten-expiry", /expires_in_seconds 61 is longer than the node's 60/],
      [{ max_session_duration_seconds: 121 }, "keys.tighten-session", /max_session_duration_seconds 121 is longer than the node's 120/],
      [{ single_use: false }, "keys.tighten-single-use", /cannot make a single-use key reusable/],
      [{ usage_type: "tts_rt" }, "keys.tighten-usage", /cannot change usage_type from the node's transcribe_websocket to tts_rt/],
      [{ client_reference_id: "someone-else" }, "keys.tighten-reference", /cannot replace the client_reference_id/],
      [{ api_key: "x" }, "keys.tighten-unknown-field", /has "api_key", which is not a temporary key field/],
    ];
    for (const [overrides, key, message] of cases) {
      const err = refusal(BASE, overrides);
      assert.strictEqual(err.code, "invalid_config", JSON.stringify(overrides));
      assert.strictEqual(err.key, key, JSON.stringify(overrides));
      assert.match(err.message, message);
      assert.match(err.message, /^msg\.soniox /);
    }
  });

  it("refuses a value Soniox would refuse, before comparing it", function () {
    assert.match(refusal(BASE, { expires_in_seconds: 0 }).message, /expires_in_seconds must be a whole number from 1 to 3600/);
    assert.match(refusal(BASE, { single_use: "yes" }).message, /single_use must be true or false/);
  });
});
