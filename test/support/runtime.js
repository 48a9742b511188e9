"use strict";
// Which Node-RED the flow tests run in. The default is the node-red devDependency (4.1). With
// NODE_RED_RUNTIME=5 it is the Node-RED 5 of tools/node-red-5 (its own npm project, so its Node 22
// binary never shadows the system node in this package's npm scripts), which needs Node >= 22.9.
// A missing or unusable runtime is an error, never a skip.
const fs = require("fs");
const path = require("path");

const NR5_DIR = path.resolve(__dirname, "..", "..", "tools", "node-red-5");

function resolveRuntime(which = process.env.NODE_RED_RUNTIME || "4") {
  if (which === "4") return { which, red: require.resolve("node-red"), base: path.dirname(require.resolve("node-red/package.json")) };
  if (which !== "5") throw new Error(`NODE_RED_RUNTIME=${which}: only 4 (default) and 5 are known`);
  const major = Number(process.versions.node.split(".")[0]);
  const minor = Number(process.versions.node.split(".")[1]);
  if (major < 22 || (major === 22 && minor < 9)) {
    throw new Error(`NODE_RED_RUNTIME=5 needs Node >= 22.9, this is ${process.version}: run it with tools/node-red-5/node_modules/node/bin/node (npm test does)`);
  }
  const pkg = path.join(NR5_DIR, "node_modules", "node-red", "package.json");
  if (!fs.existsSync(pkg)) throw new Error(`NODE_RED_RUNTIME=5 but ${pkg} is missing: run npm ci --prefix tools/node-red-5 (npm test does)`);
  const base = path.dirname(pkg);
  return { which, red: require.resolve("node-red", { paths: [NR5_DIR] }), base };
}

const runtime = resolveRuntime();

/** A core node module (e.g. "common/20-inject.js") from the chosen runtime's @node-red/nodes. */
function coreNode(file) {
  return require(require.resolve(`@node-red/nodes/core/${file}`, { paths: [runtime.base] }));
}

module.exports = {
  RUNTIME: runtime.red,
  RUNTIME_VERSION: require(path.join(runtime.base, "package.json")).version,
  coreNode,
  NR5_DIR,
};
