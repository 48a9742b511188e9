"use strict";
// A server or proxy that echoes the API key where a cut or an encoding could hide it from
// redaction: a long plain-text 401 body with the key across the point where it is cut, and the key
// URL-encoded and in base64 at every alignment. The real transport over a real socket (a
// hand-written server), then redact() itself.
const assert = require("assert");
const { helper, NODES, transcribeFlow, load, collect, waitFor } = require("../support/nodered");
const { startRawServer, rawServerSuite } = require("./raw-ws-server");
const { keySightings } = require("./observe");
const { redact, safeText } = require("../../dist/core/redact");

// 44 characters, as long as a real key; `+` and `/` so its URL-encoded form differs.
const KEY = "sk+HOSTILE/5f0c9b2e7a41d836c5e0f2a9b7d1e4c38";
const pcm = (ms) => Buffer.alloc((ms * 16000 * 2) / 1000);
const percentAll = (s, hex = (b) => b.toString(16).toUpperCase()) => [...Buffer.from(s)].map((b) => `%${hex(b).padStart(2, "0")}`).join("");

/** Every run of 8 characters of the key, and of its encoded forms, found in `text`. */
function keyPieces(text) {
  const forms = [KEY, encodeURIComponent(KEY), Buffer.from(KEY).toString("base64")];
  const found = [];
  for (const form of forms) for (let i = 0; i + 8 <= form.length; i++) if (text.includes(form.slice(i, i + 8))) found.push(form.slice(i, i + 8));
  return found;
}

describe("hostile key echoes: redacted before anything is cut, in any encoding", function () {
  this.timeout(30000);
  const suite = rawServerSuite(helper);

  async function refusedWith(body) {
    suite.server = await startRawServer((c) => c.refuse(401, body));
    await load(NODES, transcribeFlow({ url: suite.server.url }, { connectTimeout: 2, reconnect: false }), { cfg: { apiKey: KEY } });
    const errors = collect("caught");
    helper.getNode("tx").receive({ topic: "a", payload: pcm(100) });
    await waitFor(() => errors.length === 1, 8000, "the refusal");
    return errors;
  }

  for (const at of [150, 170, 192]) {
    it(`a plain-text 401 body with the key starting at character ${at}, across the 200-character cut`, async function () {
      const errors = await refusedWith(`${"d".repeat(at - 1)} ${KEY} and more text after it ${"e".repeat(2000)}`);
      const text = JSON.stringify([errors, helper.log().args]);
      assert.deepStrictEqual(keyPieces(text), [], errors[0].error.message);
      assert.match(errors[0].error.message, /HTTP 401/);
      assert.deepStrictEqual(await keySightings(KEY, { msgs: [], statuses: [], errors }), []);
    });
  }

  it("a 401 body echoing the key URL-encoded and in base64, whole and inside longer base64 text", async function () {
    const body =
      `denied key=${encodeURIComponent(KEY)} raw=${percentAll(KEY)} lower=${percentAll(KEY, (b) => b.toString(16))} ` +
      `b64=${Buffer.from(KEY).toString("base64")} cred=${Buffer.from(`api:${KEY}`).toString("base64")} url=${Buffer.from(`ab${KEY}`).toString("base64url")}`;
    const errors = await refusedWith(body);
    const message = errors[0].error.message;
    assert.match(message, /denied key=\[redacted\] raw=\[redacted\] lower=\[redacted\] b64=\[redacted\]/);
    for (const form of [encodeURIComponent(KEY), percentAll(KEY), Buffer.from(KEY).toString("base64").slice(4, 40)]) assert.ok(!message.includes(form), message);
    assert.deepStrictEqual(keyPieces(message), [], message);
  });

  it("redact() removes the key's base64 at each of the three byte alignments and its URL-encoded forms", function () {
    for (const prefix of ["", "a", "ab", "abc"]) {
      for (const encoding of ["base64", "base64url"]) {
        const echoed = Buffer.from(`${prefix}${KEY}!tail`).toString(encoding);
        const out = redact(`x ${echoed} y`, [KEY]);
        assert.match(out, /\[redacted\]/, `${encoding} after ${prefix.length} bytes`);
        // What is left around the marker derives from at most two bytes of the key.
        const rest = out.replace(/^x /, "").replace(/ y$/, "");
        assert.ok(rest.replace("[redacted]", "").length <= echoed.length - 56, `${rest} (${encoding}, ${prefix.length})`);
      }
    }
    assert.strictEqual(redact(`k=${encodeURIComponent(KEY)}&q=${percentAll(KEY)}`, [KEY]), "k=[redacted]&q=[redacted]");
    // Cutting comes after redaction: a 50 MB text with the key across its cut keeps no part of it.
    const huge = `${"z".repeat(1990)}${KEY}${"z".repeat(50 * 1024 * 1024)}`;
    assert.deepStrictEqual(keyPieces(safeText(huge, [KEY])), []);
  });
});
