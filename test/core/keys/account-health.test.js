"use strict";
// The account problems every user of one key shares: which errors are about the account, which
// words of Soniox's the status keeps, and when the users are told.
const assert = require("assert");
const { SonioxError } = require("../../../dist/core/errors");
const { AccountHealth, accountProblemOf } = require("../../../dist/core/keys");

const frame = (code, message) => new SonioxError(code, `Soniox error ${code}: ${message}`, { key: "session.soniox-error", params: { code, message } });

describe("account problems", function () {
  it("401 and 403 are a rejected key, 402 no balance; other codes concern their stream only", function () {
    assert.deepStrictEqual(accountProblemOf(frame(401, "Invalid API key.")), { kind: "key-rejected", code: 401, reason: "Invalid API key." });
    assert.strictEqual(accountProblemOf(frame(403, "Forbidden.")).kind, "key-rejected");
    assert.strictEqual(accountProblemOf(frame(402, "Organization balance exhausted.")).kind, "no-balance");
    for (const code of [400, 408, 429, 500, 503, "connection_failed"]) assert.strictEqual(accountProblemOf(frame(code, "x")), null, String(code));
  });

  it("keeps Soniox's own words (an error frame's message, a REST refusal's reason), cut to fit a status", function () {
    const rest = new SonioxError(402, "Soniox refused the temporary key request (402 payment_required): Budget exhausted.", {
      key: "keys.refused",
      params: { status: "402 payment_required", reason: ": Budget exhausted." },
    });
    assert.strictEqual(accountProblemOf(rest).reason, "Budget exhausted.");
    const long = accountProblemOf(frame(401, "x".repeat(500))).reason;
    assert.strictEqual(long.length, 80);
    assert.ok(long.endsWith("…"));
  });

  it("tells every registered user when a problem appears or clears, once, and no one after deregistering", function () {
    const health = new AccountHealth();
    const told = { a: 0, b: 0 };
    health.register("a", () => told.a++);
    health.register("b", () => told.b++);
    health.noteSuccess();
    assert.deepStrictEqual(told, { a: 0, b: 0 }, "nothing to clear");
    assert.strictEqual(health.noteFailure(frame(500, "busy")), false);
    assert.strictEqual(health.current, null);
    assert.strictEqual(health.noteFailure(frame(401, "Invalid API key.")), true);
    health.noteFailure(frame(401, "Invalid API key."));
    assert.deepStrictEqual(told, { a: 1, b: 1 }, "the same problem again is not news");
    health.deregister("b");
    health.noteSuccess();
    assert.deepStrictEqual(told, { a: 2, b: 1 });
    assert.strictEqual(health.current, null);
    assert.strictEqual(health.userCount, 1);
  });
});
