"use strict";
// The pages are edited in examples-src and served from template nodes of examples/*.json;
// this keeps the two from drifting apart (fix: node scripts/lib/example-pages.js).
const assert = require("assert");
const fs = require("fs");
const { PAGES, FIELD, exampleFiles, pageText } = require("../../scripts/lib/example-pages");

describe("example browser pages", function () {
  const flows = exampleFiles().flatMap((f) => JSON.parse(fs.readFileSync(f, "utf8")));

  for (const [id, file] of Object.entries(PAGES)) {
    it(`${id} serves examples-src/${file} as it is${file.endsWith(".html") ? ", without mustache" : ""}`, function () {
      const node = flows.find((n) => n.id === id);
      assert.ok(node, `${id} is in an examples/*.json file`);
      // Core template nodes would render {{ }}; a Dashboard 2 ui-template is a Vue component, where {{ }} is Vue's.
      if (node.type === "template") assert.strictEqual(node.syntax, "plain", "{{ }} in the page must not be rendered");
      assert.ok(node[FIELD[node.type]] === pageText(file), `${id} differs from examples-src/${file}: run node scripts/lib/example-pages.js`);
    });
  }
});
