"use strict";
// Which ffmpeg the package runs. Each case runs the compiled modules in a fresh Node process with
// its own PATH and working directory, because the answer is cached per process.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const DIST_CORE = path.resolve(__dirname, "..", "..", "..", "dist", "core");

/** Runs `script` (with `core` = the dist/core folder to require from) and returns its JSON output. */
function probe(script, { core = DIST_CORE, PATH, cwd }) {
  const result = spawnSync(process.execPath, ["-e", `const core = ${JSON.stringify(core)};\n${script}`], {
    env: { PATH },
    cwd,
    encoding: "utf8",
    timeout: 10000,
  });
  assert.strictEqual(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

/** An executable shell script named ffmpeg in `dir` that leaves a marker file when run. */
function planted(dir) {
  const marker = path.join(dir, "ran");
  const file = path.join(dir, "ffmpeg");
  fs.writeFileSync(file, `#!/bin/sh\ntouch ${JSON.stringify(marker)}\n`, { mode: 0o755 });
  return { file, marker };
}

describe("ffmpeg binary lookup", function () {
  this.timeout(20000);
  let tmp;

  beforeEach(function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ffmpeg-lookup-"));
  });

  afterEach(function () {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("prefers an ffmpeg on PATH, by its absolute path", function () {
    const bin = path.join(tmp, "bin");
    fs.mkdirSync(bin);
    const { file } = planted(bin);
    const found = probe(`process.stdout.write(JSON.stringify(require(core + "/audio/ffmpeg-binary").findFfmpeg()));`, { PATH: bin, cwd: tmp });
    assert.strictEqual(found, file);
  });

  it("falls back to @ffmpeg-installer/ffmpeg's binary when PATH has none", function () {
    const found = probe(`process.stdout.write(JSON.stringify(require(core + "/audio/ffmpeg-binary").findFfmpeg()));`, { PATH: path.join(tmp, "empty"), cwd: tmp });
    assert.strictEqual(found, require("@ffmpeg-installer/ffmpeg").path);
    assert.ok(path.isAbsolute(found));
  });

  it("never runs ./ffmpeg from the working directory, even with '.' on PATH; with no ffmpeg at all the features say so", function () {
    // A copy of dist/core outside the checkout, so @ffmpeg-installer/ffmpeg cannot be resolved either.
    const core = path.join(tmp, "core");
    fs.cpSync(DIST_CORE, core, { recursive: true });
    const work = path.join(tmp, "work");
    fs.mkdirSync(work);
    const { marker } = planted(work);
    const result = probe(
      `const { findFfmpeg } = require(core + "/audio/ffmpeg-binary");
      const { ffmpegAvailable, createDurationProbe } = require(core + "/audio/ffmpeg-probe");
      const { createTranscoder } = require(core + "/audio/transcoder");
      let error = null;
      try { createTranscoder({ input: null, onData() {}, onError() {}, onEnd() {} }); } catch (err) { error = err.code + ": " + err.message; }
      process.stdout.write(JSON.stringify({ found: findFfmpeg(), available: ffmpegAvailable(), probe: createDurationProbe(), error }));`,
      { core, PATH: [".", "", path.join(tmp, "empty")].join(path.delimiter), cwd: work },
    );
    assert.deepStrictEqual({ ...result, error: undefined }, { found: null, available: false, probe: null, error: undefined });
    assert.match(result.error, /^invalid_config: "Convert to PCM 16 kHz mono" needs ffmpeg, which was not found/);
    assert.ok(!fs.existsSync(marker), "./ffmpeg in the working directory was run");
  });
});
