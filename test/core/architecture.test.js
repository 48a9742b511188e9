"use strict";
// The layering rules of src/core, checked on the sources: core never reaches Node-RED or the
// simulator, parts meet only through their index.ts faces, and the part graph has no cycle. And
// for all of src/: no file-level import cycle, and no file longer than MAX_LINES.
const assert = require("assert");
const fs = require("fs");
const path = require("path");

const SRC = path.join(__dirname, "..", "..", "src");
const CORE = path.join(SRC, "core");
const SHARED = new Set(["errors", "clock", "show-value", "redact", "plain-object"]);
/** What each part may import besides the shared files; docs/development.md says why. */
const ALLOWED = {
  audio: [],
  control: ["audio"],
  session: ["audio", "control"],
  filter: ["session"],
  keys: [],
  streams: ["session", "audio", "control", "filter"],
  wyoming: ["session"],
};

function imports(file) {
  const src = fs.readFileSync(file, "utf8");
  // from "x", require("x"), import("x") and a bare import "x" (run for its side effects).
  return [...src.matchAll(/(?:from\s+|require\(|import\(|^import\s+)["']([^"']+)["']/gm)].map((m) => m[1]);
}

/** A file's length past which it holds more than one thing to read at a time. */
const MAX_LINES = 400;
/** The files allowed past MAX_LINES for now, each with why; one that shrinks below it must leave the list. */
const LONG_FILES = {
  "core/session/stream.ts": "one stream's life across sessions: reconnect, rotation, hand-over and control dispatch share its state; what needs none of it is already out (replay plan, close decision, rotation clock, timeline, warnings)",
  "simulator/connection.ts": "one simulated session's whole protocol (start, audio, control, results, timeouts, faults); not split yet: faults and timeouts could move out",
};

/** Every file under `dir`, recursively. */
function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The .ts file a relative import names (`./x` is x.ts or x/index.ts), or null for a package or JSON. */
function resolveImport(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f)) ?? null;
}

function partFiles(part) {
  return fs.readdirSync(path.join(CORE, part)).filter((f) => f.endsWith(".ts")).map((f) => path.join(CORE, part, f));
}

describe("src/core layering", function () {
  it("holds only capability folders with an index.ts face and the shared files", function () {
    for (const entry of fs.readdirSync(CORE, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        assert.ok(ALLOWED[entry.name], `src/core/${entry.name} is a part the layering table does not know`);
        const face = fs.readFileSync(path.join(CORE, entry.name, "index.ts"), "utf8").split("\n");
        assert.match(face[0], /^\/\/ \S/, `${entry.name}/index.ts starts with what the part does`);
        assert.match(face[1], /^\/\/ .*never/i, `${entry.name}/index.ts says what the part must never import`);
      } else {
        assert.ok(SHARED.has(entry.name.replace(/\.ts$/, "")), `src/core/${entry.name} belongs in a capability folder`);
      }
    }
  });

  it("never imports Node-RED, the nodes or the simulator", function () {
    const files = [...Object.keys(ALLOWED).flatMap(partFiles), ...[...SHARED].map((s) => path.join(CORE, `${s}.ts`))];
    for (const file of files) {
      for (const spec of imports(file)) {
        assert.ok(!/node-red|\/nodes\b|simulator/.test(spec), `${path.relative(CORE, file)} imports ${spec}`);
      }
    }
  });

  it("parts meet only through their faces, along the allowed edges, without cycles", function () {
    const edges = {};
    for (const part of Object.keys(ALLOWED)) {
      edges[part] = new Set();
      for (const file of partFiles(part)) {
        for (const spec of imports(file).filter((s) => s.startsWith("."))) {
          const target = path.relative(CORE, path.resolve(path.dirname(file), spec)).split(path.sep);
          if (target[0] === part) continue;
          const where = path.relative(CORE, file);
          if (target.length === 1 && SHARED.has(target[0])) continue;
          assert.strictEqual(target.length, 1, `${where} reaches inside another part: ${spec} (import its face)`);
          assert.ok(ALLOWED[part].includes(target[0]), `${where} imports ${target[0]}, which ${part} may not`);
          edges[part].add(target[0]);
        }
      }
    }
    const visiting = new Set();
    const done = new Set();
    const visit = (p, trail) => {
      assert.ok(!visiting.has(p), `import cycle: ${[...trail, p].join(" → ")}`);
      if (done.has(p)) return;
      visiting.add(p);
      for (const q of edges[p]) visit(q, [...trail, p]);
      visiting.delete(p);
      done.add(p);
    };
    for (const p of Object.keys(edges)) visit(p, []);
  });

  it("the files of a part import each other without cycles", function () {
    for (const part of Object.keys(ALLOWED)) {
      const edges = new Map(partFiles(part).map((f) => [path.basename(f), imports(f).filter((s) => /^\.\/[^/]+$/.test(s)).map((s) => `${s.slice(2)}.ts`)]));
      const done = new Set();
      const visit = (file, trail) => {
        assert.ok(!trail.includes(file), `import cycle in ${part}: ${[...trail, file].join(" → ")}`);
        if (done.has(file)) return;
        for (const next of edges.get(file) || []) visit(next, [...trail, file]);
        done.add(file);
      };
      for (const file of edges.keys()) visit(file, []);
    }
  });

  it("no file in src/ imports itself round a cycle, through faces or not", function () {
    const files = filesUnder(SRC).filter((f) => f.endsWith(".ts"));
    const edges = new Map(files.map((f) => [f, imports(f).filter((s) => s.startsWith(".")).map((s) => resolveImport(f, s)).filter(Boolean)]));
    const done = new Set();
    const visit = (file, trail) => {
      const at = trail.indexOf(file);
      assert.ok(at < 0, `import cycle: ${[...trail.slice(at), file].map((f) => path.relative(SRC, f)).join(" → ")}`);
      if (done.has(file)) return;
      for (const next of edges.get(file)) visit(next, [...trail, file]);
      done.add(file);
    };
    for (const file of files) visit(file, []);
    assert.ok(done.size > 100, `only ${done.size} files read`);
  });

  it(`no file in src/ is longer than ${MAX_LINES} lines, except the listed ones`, function () {
    const long = filesUnder(SRC)
      .map((f) => [path.relative(SRC, f).split(path.sep).join("/"), fs.readFileSync(f, "utf8").split("\n").length - 1])
      .filter(([, lines]) => lines > MAX_LINES);
    for (const [file, lines] of long) assert.ok(LONG_FILES[file], `src/${file} has ${lines} lines: split it by what it holds, or list it in LONG_FILES with why`);
    for (const file of Object.keys(LONG_FILES)) {
      assert.ok(long.some(([f]) => f === file), `src/${file} is no longer over ${MAX_LINES} lines: take it off LONG_FILES`);
    }
  });

  it("the table of parts in docs/development.md lists every part with the imports allowed here", function () {
    const readme = fs.readFileSync(path.join(CORE, "..", "..", "docs", "development.md"), "utf8");
    for (const [part, allowed] of Object.entries(ALLOWED)) {
      const row = readme.match(new RegExp(`^\\| \`${part}\` \\| \\d+ \\| ([^|]+) \\|`, "m"));
      assert.ok(row, `docs/development.md's parts table has a row for ${part}`);
      const listed = row[1].trim() === "shared only" ? [] : row[1].split(",").map((s) => s.trim());
      assert.deepStrictEqual(listed.sort(), [...allowed].sort(), `docs/development.md says ${part} may import ${row[1].trim()}`);
    }
  });

  it("the shared files import nothing from the parts", function () {
    for (const s of SHARED) {
      for (const spec of imports(path.join(CORE, `${s}.ts`))) {
        assert.ok(!spec.startsWith("./") || SHARED.has(spec.slice(2)), `${s}.ts imports ${spec}`);
      }
    }
  });
});
