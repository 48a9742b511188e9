"use strict";
// Which Node-RED the flow tests run in. The default is the node-red devDependency (4.1). With
// NODE_RED_RUNTIME=5 it is the Node-RED 5 of tools/node-red-5 on its Node 22, with 4.0 the
// Node-RED 4.0 of tools/node-red-4.0 on its Node 18 (the oldest the package claims). Each is an npm
// project of its own, so its node binary never shadows the system node in this package's scripts.
// A missing or unusable runtime is an error, never a skip.
const fs = require("fs");
const path = require("path");

const TOOLS = path.resolve(__dirname, "..", "..", "tools");
const NR5_DIR = path.join(TOOLS, "node-red-5");
/** The runtimes with a tools/ project of their own: its folder and the Node it runs on. */
const TOOL_RUNTIMES = {
  5: { dir: NR5_DIR, node: "22" },
  "4.0": { dir: path.join(TOOLS, "node-red-4.0"), node: "18" },
};

function resolveRuntime(which = process.env.NODE_RED_RUNTIME || "4") {
  if (which === "4") return { which, red: require.resolve("node-red"), base: path.dirname(require.resolve("node-red/package.json")) };
  const tool = TOOL_RUNTIMES[which];
  if (!tool) throw new Error(`NODE_RED_RUNTIME=${which}: only 4 (default), 4.0 and 5 are known`);
  const folder = path.relative(path.resolve(TOOLS, ".."), tool.dir);
  if (process.versions.node.split(".")[0] !== tool.node) {
    throw new Error(`NODE_RED_RUNTIME=${which} runs on Node ${tool.node}, this is ${process.version}: run it with ${folder}/node_modules/node/bin/node (npm test does)`);
  }
  const pkg = path.join(tool.dir, "node_modules", "node-red", "package.json");
  if (!fs.existsSync(pkg)) throw new Error(`NODE_RED_RUNTIME=${which} but ${pkg} is missing: run npm ci --prefix ${folder} (npm test does)`);
  return { which, red: require.resolve("node-red", { paths: [tool.dir] }), base: path.dirname(pkg) };
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
