"use strict";
// The package as a user gets it: `npm pack` of a checkout that was never built (prepack must
// build it), the tarball installed with npm into a fresh Node-RED user directory, then each
// Node-RED the package claims or CI runs (4.0 on Node 18, 4.1 on this Node, 5 on Node 22) started
// as a real process on that directory, with nothing pointing it at this checkout.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const { startNodeRed } = require("../../scripts/lib/node-red");
const { waitFor } = require("../support/nodered");

const ROOT = path.resolve(__dirname, "..", "..");
const PKG = require("../../package.json");
const NPM = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ["npm", []];
const TYPES = Object.keys(PKG["node-red"].nodes);

/** What a checkout holds that the build and pack read; dist/ is left out on purpose. */
const SOURCES = ["package.json", "tsconfig.json", "README.md", "LICENSE", "CHANGELOG.md", "src", "nodes", "icons", "examples", "docs", "scripts"];

/** Node-RED runtimes as the user would run them: the node binary and Node-RED's red.js. */
function runtimes() {
  const tool = (dir) => {
    const base = path.join(ROOT, "tools", dir, "node_modules");
    const red = path.join(base, "node-red", "red.js");
    const node = path.join(base, "node", "bin", "node");
    if (!fs.existsSync(red) || !fs.existsSync(node)) throw new Error(`tools/${dir} is not installed: run npm ci --prefix tools/${dir} (npm test does)`);
    return { node, red, version: require(path.join(base, "node-red", "package.json")).version };
  };
  return [
    { name: "Node-RED 4.0 on Node 18", ...tool("node-red-4.0") },
    { name: "Node-RED 4.1 on this Node", node: process.execPath, red: require.resolve("node-red/red.js"), version: require("node-red/package.json").version },
    { name: "Node-RED 5 on Node 22", ...tool("node-red-5") },
  ];
}

/** Runs npm in `cwd` as a user would there: without the npm_* settings of an npm script running this. */
function npm(args, cwd) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const r = spawnSync(NPM[0], [...NPM[1], ...args, "--no-audit", "--no-fund"], { cwd, encoding: "utf8", env });
  if (r.status !== 0) throw new Error(`npm ${args.join(" ")} failed (${r.status ?? r.signal})\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Copies the sources into a fresh directory (node_modules linked, for TypeScript) and packs them. */
function packFromSources(tmp) {
  const src = path.join(tmp, "checkout");
  for (const entry of SOURCES) fs.cpSync(path.join(ROOT, entry), path.join(src, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(src, "node_modules"), "dir");
  const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", tmp], src));
  return { tarball: path.join(tmp, packed.filename), files: packed.files.map((f) => f.path) };
}

/** A user directory as Node-RED makes one, with the tarball installed by npm and a settings file. */
function userDirWith(tarball, tmp, name) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "node-red-project", description: "A Node-RED Project", version: "0.0.1", private: true }));
  npm(["install", "--prefer-offline", tarball], dir);
  const settings = {
    uiHost: "127.0.0.1",
    uiPort: 0,
    flowFile: "flows.json",
    credentialSecret: false,
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    editorTheme: { tours: false },
  };
  fs.writeFileSync(path.join(dir, "settings.js"), `module.exports = ${JSON.stringify(settings)};\n`);
  // One node of each type, so a type that failed to register would leave the flows waiting.
  const flows = [
    { id: "t", type: "tab", label: "t" },
    { id: "cfg", type: "soniox-config", region: "custom", url: "ws://127.0.0.1:9/" },
    { id: "tx", z: "t", type: "soniox-transcribe", config: "cfg", wires: [["tf"], []] },
    { id: "ctl", z: "t", type: "soniox-control", mode: "command", wires: [["tx"]] },
    { id: "tf", z: "t", type: "soniox-token-filter", mode: "text", wires: [[]] },
    { id: "tk", z: "t", type: "soniox-temp-key", config: "cfg", wires: [[]] },
  ];
  fs.writeFileSync(path.join(dir, "flows.json"), JSON.stringify(flows));
  return dir;
}

describe("npm pack → install into a fresh Node-RED user directory → the nodes load", function () {
  this.timeout(240000);
  let tmp;
  let packed;

  before(function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "soniox-pack-"));
    packed = packFromSources(tmp);
  });

  after(function () {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("packs what Node-RED loads, built by prepack, without source maps, tests or tools", function () {
    for (const type of TYPES) {
      for (const file of [`dist/nodes/${type}.js`, `dist/nodes/${type}.html`, `dist/nodes/locales/en-US/${type}.json`, `dist/nodes/locales/ja/${type}.html`]) {
        assert.ok(packed.files.includes(file), `${file} is in the tarball`);
      }
    }
    assert.ok(packed.files.includes("examples/flows.json"));
    for (const doc of ["docs/nodes.md", "docs/development.md", "docs/benchmarks.md"]) assert.ok(packed.files.includes(doc), `${doc}, which the README links to, is in the tarball`);
    assert.ok(packed.files.some((f) => f.startsWith("dist/nodes/icons/")), "the icons");
    assert.deepStrictEqual(packed.files.filter((f) => /\.map$|^(test|tools|src|scripts)\//.test(f)), []);
  });

  for (const rt of runtimes()) {
    it(`${rt.name} (${rt.version}) loads every node and lists the examples`, async function () {
      const userDir = userDirWith(packed.tarball, tmp, rt.name.replace(/\W+/g, "-"));
      const red = await startNodeRed({ userDir, node: rt.node, red: rt.red, timeoutMs: 60000 });
      const log = () => red.output();
      try {
        await waitFor(() => /Started flows|Waiting for missing types/.test(log()), 30000, "the flows to start");
        const sets = await (await fetch(`${red.url}/nodes`, { headers: { Accept: "application/json" } })).json();
        const ours = sets.filter((s) => s.module === PKG.name);
        assert.deepStrictEqual(ours.map((s) => s.types).flat().sort(), [...TYPES].sort(), `the node sets of ${PKG.name}\n${log().slice(-3000)}`);
        for (const s of ours) {
          assert.strictEqual(s.err, undefined, `${s.id}: ${s.err}`);
          assert.strictEqual(s.enabled, true, s.id);
          assert.strictEqual(s.version, PKG.version, s.id);
          assert.strictEqual(s.local, true, `${s.id} came from the user directory's node_modules`);
        }
        const html = await (await fetch(`${red.url}/nodes`, { headers: { Accept: "text/html" } })).text();
        for (const type of TYPES) assert.ok(html.includes(`data-help-name="${type}"`), `the editor gets ${type}'s help`);
        // What Import → Examples reads: the package's examples folder, each file a flow.
        const example = await (await fetch(`${red.url}/library/examples/flows/${PKG.name}/flows`)).json();
        assert.ok(Array.isArray(example) && example.some((n) => n.type === "soniox-transcribe"), "Import → Examples offers the flows");
        assert.match(log(), /Started flows/);
        assert.doesNotMatch(log(), /Waiting for missing types|\[error\]/);
      } finally {
        await red.stop();
      }
    });
  }
});
