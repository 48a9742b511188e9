"use strict";
// The filter-mode table is what the filter accepts and how it treats each mode; the editor's
// lists, the catalogues and the help are held to it here.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { FILTER_MODE_TABLE, FILTER_MODES, TokenFilter, filterOptionsFromSettings } = require("../../../dist/core/filter");
const { responses } = require("../../fixtures/tokens/load");

const ROOT = path.join(__dirname, "../../..");
const editor = fs.readFileSync(path.join(ROOT, "nodes/soniox-token-filter.html"), "utf8");

/** Every output of a fixture run through a filter in `mode`, with options that make each mode speak. */
function outputsOf(mode, fixture, extra = {}) {
  const filter = new TokenFilter({ mode, phrases: ["turn on the kitchen lights", "what time"], ...extra });
  return responses(fixture).flatMap((r) => filter.push("s", r.tokens, r.finished === true).outputs);
}

describe("filter-mode table", function () {
  it("is what the filter accepts, and it refuses anything else listing the table's modes", function () {
    for (const mode of FILTER_MODES) assert.doesNotThrow(() => new TokenFilter({ mode, phrases: ["go"] }), mode);
    for (const bad of ["Text", "turn", "constructor", "", 3]) {
      assert.throws(() => new TokenFilter({ mode: bad }), new RegExp(`use one of ${FILTER_MODES.join(", ")}$`));
    }
    assert.strictEqual(filterOptionsFromSettings({}).mode, "text");
  });

  it("segment modes read final tokens and markers whatever the selection says; the others follow it", function () {
    for (const mode of FILTER_MODES) {
      const fixture = mode === "turns" ? "speakers-languages" : "phrase-commands";
      const loose = outputsOf(mode, fixture, { selection: { finality: "non_final", dropMarkers: true, speakers: [], languages: [], minConfidence: 0, translation: "any" } });
      const strict = outputsOf(mode, fixture);
      if (FILTER_MODE_TABLE[mode].segments) assert.deepStrictEqual(loose, strict, `${mode} ignores finality and markers`);
      else assert.notDeepStrictEqual(loose, strict, `${mode} follows the selection`);
    }
  });

  it("sets the table's msg properties besides payload", function () {
    for (const mode of FILTER_MODES) {
      const fixture = mode === "turns" ? "speakers-languages" : "phrase-commands";
      const outputs = outputsOf(mode, fixture);
      assert.ok(outputs.length > 0, `${mode} gives results`);
      for (const out of outputs) {
        assert.deepStrictEqual(Object.keys(out).filter((k) => k !== "port" && k !== "payload").sort(), [...FILTER_MODE_TABLE[mode].output].sort(), mode);
        assert.strictEqual(typeof out.payload, "string");
      }
    }
  });

  it("is what the editor offers, and the editor hides the selection's finality for the segment modes only", function () {
    const select = editor.match(/<select id="node-input-mode"[^>]*>([\s\S]*?)<\/select>/)[1];
    assert.deepStrictEqual([...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]), FILTER_MODES);
    const tokenModes = JSON.parse(editor.match(/var TOKEN_MODES = (\[[^\]]*\]);/)[1]);
    assert.deepStrictEqual(tokenModes, FILTER_MODES.filter((m) => !FILTER_MODE_TABLE[m].segments));
  });

  it("has a label in every catalogue and a bullet in every help", function () {
    for (const locale of ["en-US", "de", "ja"]) {
      const labels = JSON.parse(fs.readFileSync(path.join(ROOT, `nodes/locales/${locale}/soniox-token-filter.json`), "utf8"))["soniox-token-filter"].mode;
      assert.deepStrictEqual(Object.keys(labels), FILTER_MODES, locale);
      const help = fs.readFileSync(path.join(ROOT, `nodes/locales/${locale}/soniox-token-filter.html`), "utf8");
      for (const mode of FILTER_MODES) assert.ok(help.includes(`<li><b>${labels[mode]}</b>`), `${locale} help explains ${mode}`);
    }
  });

  it("is the list of modes the README and docs/nodes.md give, in order", function () {
    const docs = {
      "README.md": [/every mode: (.*?)\. Filters by/s, "every mode: **tokens**, … . Filters by", /\*\*([^*]+)\*\*/g],
      "docs/nodes.md": [/\| Mode \| One message per… \| Detail property \|\n\| --- \| --- \| --- \|\n((?:\|.*\n)+)/, "| Mode | One message per… | Detail property |", /^\| ([^|]+?) \|/gm],
    };
    for (const [file, [pattern, phrase, name]] of Object.entries(docs)) {
      const found = fs.readFileSync(path.join(ROOT, file), "utf8").match(pattern);
      assert.ok(found, `${file}: "${phrase}" is not there any more; if the text was rewritten, update this test to read the new sentence`);
      // A mode may be named in more words ("speaker turns", "phrase trigger", "utterances"): each holds its name.
      const names = [...found[1].matchAll(name)].map((m) => m[1]);
      assert.strictEqual(names.length, FILTER_MODES.length, `${file}: "${phrase}" names ${names.join(", ")}`);
      names.forEach((n, i) => assert.ok(n.includes(FILTER_MODES[i]), `${file}: "${n}" should be the mode ${FILTER_MODES[i]}`));
    }
  });
});
