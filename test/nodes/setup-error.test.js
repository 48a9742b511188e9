"use strict";
// How every node words a setup it refused at deploy, with Node-RED's own i18next and our
// catalogues: core's text in the runtime's language, in the node's own sentence when it has one.
const assert = require("assert");
const { setupFailure } = require("../../dist/nodes/lib/setup-error");
const { controlSettings } = require("../../dist/core/control");
const { SonioxError } = require("../../dist/core/errors");
const { TokenFilter } = require("../../dist/core/filter");
const { runtimeI18n } = require("../support/runtime-i18n");

function thrown(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("nothing was thrown");
}

describe("setup errors", function () {
  let red;
  before(async function () {
    red = await runtimeI18n(["soniox-control", "soniox-token-filter", "soniox-transcribe"], ["de", "ja"]);
  });

  it("puts core's translated text into the node's sentence, and shows the node's red status", function () {
    const err = thrown(() => controlSettings({ mode: "ptt", keepaliveAfter: 21 }));
    const { error, status } = setupFailure(red("ja", "soniox-control"), "soniox-control", err, "errors.config");
    assert.strictEqual(error.message, 'soniox-control の設定が無効です: keepalive までの時間 (秒) は 0 から 20 の数値でなければなりません (受け取った値: 21)。ノードを開いて修正してください。');
    assert.deepStrictEqual(status, { fill: "red", shape: "ring", text: "設定が無効です" });
  });

  it("says the same for the token filter's settings, through the same path", function () {
    const err = thrown(() => new TokenFilter({ mode: "phrase" }));
    const { error } = setupFailure(red("de", "soniox-token-filter"), "soniox-token-filter", err, "errors.config");
    assert.strictEqual(error.message, "soniox-token-filter hat ungültige Einstellungen: Der Phrasen-Auslöser braucht mindestens eine Phrase oder einen regulären Ausdruck. Öffnen Sie den Node und korrigieren Sie sie.");
  });

  it("keeps a core error without a sentence whole: translated, with its code and key for Catch flows", function () {
    const err = new SonioxError("invalid_config", "No soniox-config node selected: open the node and choose or add a Soniox account", { key: "no-config" });
    const { error, status } = setupFailure(red("de", "soniox-transcribe"), "soniox-transcribe", err);
    assert.ok(error instanceof SonioxError);
    assert.strictEqual(error.code, "invalid_config");
    assert.strictEqual(error.key, "no-config");
    assert.match(error.message, /^Kein soniox-config-Node ausgewählt/);
    assert.strictEqual(status.fill, "red");
    assert.notStrictEqual(status.text, "invalid settings", "the status is the catalogue's");
  });

  it("puts an error without a catalogue key in as its English message, and falls back to English status text", function () {
    const identity = { _: (key) => key };
    const { error, status } = setupFailure(identity, "soniox-control", new RangeError("Silence must be more than 0 ms"), "errors.config");
    assert.strictEqual(error.message, "soniox-control.errors.config");
    assert.deepStrictEqual(status, { fill: "red", shape: "ring", text: "invalid settings" });
    const plain = setupFailure(red("de", "soniox-control"), "soniox-control", new RangeError("Silence must be more than 0 ms"), "errors.config");
    assert.strictEqual(plain.error.message, "soniox-control hat ungültige Einstellungen: Silence must be more than 0 ms. Öffnen Sie den Node und korrigieren Sie sie.");
  });
});
