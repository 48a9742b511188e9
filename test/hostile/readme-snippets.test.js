"use strict";
// Every JavaScript snippet the README offers for settings.js, taken from README.md verbatim (by its
// fenced block, wherever the section moves) and run against what a hostile or odd client sends:
// `Origin: null` (sandboxed frames, file pages), garbage, no Origin at all. ws calls
// webSocketNodeVerifyClient without catching, so a snippet that throws ends Node-RED. The verify
// function npm start and the tests write into settings.js (scripts/lib/node-red.js) gets the same.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const { VERIFY_WEBSOCKET_ORIGIN } = require("../../scripts/lib/node-red");

const README = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");

/** The fenced ```js blocks of a Markdown text, dedented (a block inside a list item is indented). */
function jsBlocks(markdown) {
  const blocks = [];
  const fence = /^([ \t]*)```(?:js|javascript)[ \t]*\n([\s\S]*?)^\1```[ \t]*$/gm;
  for (let m; (m = fence.exec(markdown)); ) {
    const indent = m[1];
    blocks.push(m[2].split("\n").map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join("\n"));
  }
  return blocks;
}

/** A snippet is a part of settings.js's exported object: `name: value,` lines. */
function settingsOf(snippet) {
  return vm.runInNewContext(`({\n${snippet}\n})`, { URL, Buffer }, { timeout: 1000 });
}

const HOST = "127.0.0.1:1880";
const upgradeFrom = (origin, headers = {}) => ({ origin, secure: false, req: { headers: { host: HOST, ...headers } } });

/** What each function a snippet may set is run against; a new kind of snippet needs a case here. */
const CASES = {
  webSocketNodeVerifyClient(verify) {
    const verdicts = {};
    for (const [what, info] of [
      ["no Origin (a program)", upgradeFrom(undefined)],
      ["Origin: null", upgradeFrom("null")],
      ["garbage", upgradeFrom("::not a url::")],
      ["an empty Origin", upgradeFrom("")],
      ["another site", upgradeFrom("http://evil.example")],
      ["another port", upgradeFrom("http://127.0.0.1:1881")],
      ["its own page", upgradeFrom(`http://${HOST}`)],
      ["another site claiming X-Forwarded-Host", upgradeFrom("http://evil.example", { "x-forwarded-host": "evil.example" })],
      ["no Host header", { origin: "http://evil.example", req: { headers: {} } }],
    ]) {
      try {
        verdicts[what] = verify(info) ? "accepted" : "refused";
      } catch (err) {
        verdicts[what] = `threw ${err.name}: ${err.message}`;
      }
    }
    assert.deepStrictEqual(verdicts, {
      "no Origin (a program)": "accepted",
      "Origin: null": "refused",
      garbage: "refused",
      "an empty Origin": "accepted",
      "another site": "refused",
      "another port": "refused",
      "its own page": "accepted",
      "another site claiming X-Forwarded-Host": "refused",
      "no Host header": "refused",
    });
  },
};

describe("the README's settings.js snippets, verbatim, against hostile origins", function () {
  const blocks = jsBlocks(README);

  it("finds the snippets (at least the webSocketNodeVerifyClient one)", function () {
    assert.ok(blocks.some((b) => b.includes("webSocketNodeVerifyClient")), `js blocks found: ${blocks.length}`);
  });

  for (const [i, block] of blocks.entries()) {
    it(`snippet ${i + 1} (${block.trim().split("\n")[0].slice(0, 60)}) never throws and refuses what is not its own page`, function () {
      const settings = settingsOf(block);
      for (const [name, value] of Object.entries(settings)) {
        if (typeof value !== "function") continue;
        assert.ok(CASES[name], `README offers a ${name} function this test has no hostile cases for: add them`);
        CASES[name](value);
      }
    });
  }

  it("npm start's own webSocketNodeVerifyClient (scripts/lib/node-red.js) judges the same", function () {
    const sandbox = { module: { exports: {} }, URL };
    vm.runInNewContext(VERIFY_WEBSOCKET_ORIGIN, sandbox);
    CASES.webSocketNodeVerifyClient(sandbox.module.exports.webSocketNodeVerifyClient);
  });
});
