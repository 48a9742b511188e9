#!/usr/bin/env node
// Compiles the TypeScript and assembles dist/nodes the way Node-RED's loader wants it:
// the editor .html, locales/ and icons/ must sit beside the compiled node .js files.
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json")], {
  stdio: "inherit",
});

const nodesOut = path.join(dist, "nodes");
fs.mkdirSync(nodesOut, { recursive: true });
for (const file of fs.readdirSync(path.join(root, "nodes"))) {
  if (file.endsWith(".html")) fs.copyFileSync(path.join(root, "nodes", file), path.join(nodesOut, file));
}
for (const [from, to] of [
  [path.join(root, "nodes", "locales"), path.join(nodesOut, "locales")],
  [path.join(root, "icons"), path.join(nodesOut, "icons")],
]) {
  if (fs.existsSync(from)) fs.cpSync(from, to, { recursive: true });
}
