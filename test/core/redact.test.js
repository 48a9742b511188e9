"use strict";
// The one redaction every emitted text goes through (src/core/redact.ts).
const assert = require("assert");
const { redact, boundText, safeText, MAX_EMITTED_CHARS } = require("../../dist/core/redact");

describe("redact", function () {
  const KEY = "sk-abcdef0123456789";

  it("removes a known key wherever it appears, and auth values of any scheme", function () {
    const text = `key ${KEY}; Authorization: Bearer abc.def-ghi; auth=Basic dXNlcjpwYXNz; Authorization: Token t0k3n; Sec-WebSocket-Protocol: soniox-api-key, other-key`;
    const out = redact(text, [KEY, null, undefined, ""]);
    for (const secret of [KEY, "abc.def-ghi", "dXNlcjpwYXNz", "t0k3n", "other-key"]) assert.ok(!out.includes(secret), `${secret} in ${out}`);
    assert.match(out, /Bearer \[redacted\]/);
    assert.match(out, /Basic \[redacted\]/);
  });

  it("removes user:pass@ from URLs but keeps the host", function () {
    assert.strictEqual(redact("see wss://bob:s3cret@proxy.example/x and https://tok@h/"), "see wss://[redacted]@proxy.example/x and https://[redacted]@h/");
  });

  it("leaves ordinary text alone", function () {
    const text = "Soniox error 400: Invalid audio_format. Basically fine, bearer of news.";
    assert.strictEqual(redact(text), text);
  });

  it("cuts long text in the middle with a marker counting what went, keeping both ends", function () {
    const out = boundText(`head${"x".repeat(10000)}tail`, 200);
    assert.ok(out.length <= 200, `${out.length}`);
    assert.match(out, /^headx+ … \[\d+ characters cut\] … x+tail$/);
    const cut = Number(out.match(/\[(\d+) characters cut\]/)[1]);
    assert.strictEqual(out.length - out.match(/ … \[\d+ characters cut\] … /)[0].length + cut, 10008);
  });

  it("redacts before it cuts a text short enough to redact whole, so no part of a key shows at the cut", function () {
    // Letters only, so no fragment of it can be read into the cut marker's digits.
    const key = "sk-QwErTyUiOpAsDfGhJk";
    const fragments = Array.from({ length: key.length - 2 }, (_, i) => key.slice(i, i + 3));
    // Texts long enough to be cut even once redacted, with a key under every cut position.
    for (const length of [5000, 6000, 7000, 9000]) {
      const text = `${key} `.repeat(Math.ceil(length / (key.length + 1)));
      const out = safeText(text, [key]);
      assert.ok(out.length <= MAX_EMITTED_CHARS);
      assert.match(out, /characters cut/);
      for (const fragment of fragments) assert.ok(!out.includes(fragment), `"${fragment}" of the key shows in ${out}`);
    }
  });

  it("never leaves part of a key readable, even at the cut of a 20 MB text", function () {
    const text = `${KEY} ${"y".repeat(10 * 1024 * 1024)}${KEY}${"z".repeat(10 * 1024 * 1024)} ${KEY}`;
    const out = safeText(text, [KEY]);
    assert.ok(out.length <= MAX_EMITTED_CHARS);
    assert.ok(!out.includes(KEY.slice(3, 10)), out.slice(0, 100));
    assert.match(out, /^\[redacted\] y+ … \[209\d{5} characters cut\] … z+ \[redacted\]$/);
  });
});
