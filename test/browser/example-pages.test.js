"use strict";
// The pages are edited in examples-src and served from template nodes of examples/flows.json;
// this keeps the two from drifting apart (fix: node scripts/lib/example-pages.js).
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { PAGES, pageText } = require("../../scripts/lib/example-pages");

describe("example browser pages", function () {
  const flows = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", "flows.json"), "utf8"));

  for (const [id, file] of Object.entries(PAGES)) {
    it(`${id} serves examples-src/${file} as it is, without mustache`, function () {
      const node = flows.find((n) => n.id === id);
      assert.ok(node, `${id} is in examples/flows.json`);
      assert.strictEqual(node.syntax, "plain", "{{ }} in the page must not be rendered");
      assert.ok(node.template === pageText(file), `${id} differs from examples-src/${file}: run node scripts/lib/example-pages.js`);
    });
  }
});
