#!/usr/bin/env node
"use strict";
// The browser pages of the example flows are edited as real files in examples-src and served
// by template (and Dashboard 2 ui-template) nodes in examples/flows.json (so an imported example
// needs no files). This copies each page into its node: `node scripts/lib/example-pages.js [examples/*.json ...]`.
const fs = require("fs");
const path = require("path");

const PAGES_DIR = path.resolve(__dirname, "..", "..", "examples-src");

/** Template node id → page file in examples-src. */
const PAGES = {
  "ex6-proxy-page": "proxy-caption.html",
  "ex6-direct-page": "direct-stream.html",
  "ex14-dash-page": "dashboard-caption.vue",
};

/** The property of each node type that holds the page: core template, Dashboard 2 ui-template. */
const FIELD = { template: "template", "ui-template": "format" };

/** Every examples/*.json: what Node-RED lists under Import → Examples. */
function exampleFiles() {
  const dir = path.resolve(__dirname, "..", "..", "examples");
  return fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => path.join(dir, f));
}

function pageText(file) {
  return fs.readFileSync(path.join(PAGES_DIR, file), "utf8");
}

/** Puts every page into its template node; returns how many nodes were updated. */
function embedPages(flows) {
  let updated = 0;
  for (const node of flows) {
    if (FIELD[node.type] && PAGES[node.id]) {
      node[FIELD[node.type]] = pageText(PAGES[node.id]);
      updated++;
    }
  }
  return updated;
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) files.push(...exampleFiles());
  for (const file of files) {
    const flows = JSON.parse(fs.readFileSync(file, "utf8"));
    const updated = embedPages(flows);
    // Non-ASCII as \u escapes, the way examples/flows.json is already written, so diffs stay small.
    const text = JSON.stringify(flows, null, 2).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    fs.writeFileSync(file, `${text}\n`);
    console.log(`${file}: ${updated} page(s) embedded`);
  }
}

module.exports = { PAGES, FIELD, exampleFiles, pageText, embedPages };
