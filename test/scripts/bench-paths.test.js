"use strict";
// bench:paths drives the transcribe node's StreamRegistry with every format on a virtual clock:
// every message must reach the (counting) socket as one frame, every response must come out, and
// the figures must be there for each format, with ours never cheaper than the floor it adds to.
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { VirtualClock, responseText } = require("../../scripts/bench/paths-run");

const SCRIPT = path.join(__dirname, "..", "..", "scripts", "bench-paths.js");

describe("bench:paths", function () {
  this.timeout(120000);

  it("times the registry's path for PCM and every compressed format, and writes what it printed", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-paths-"));
    const printed = execFileSync(process.execPath, [SCRIPT, "--streams", "4", "--seconds", "6", "--repeat", "1", "--out", out], { encoding: "utf8" });
    const file = fs.readdirSync(out).find((f) => f.startsWith("paths-") && f.endsWith(".json"));
    assert.ok(file, `no result file in ${out}:\n${printed}`);
    const { rows, runs } = JSON.parse(fs.readFileSync(path.join(out, file), "utf8"));
    assert.deepEqual(rows.map((r) => r.format), ["pcm", "ogg-opus", "webm-opus", "mp3", "aac"]);
    for (const r of rows) {
      assert.match(printed, new RegExp(`\\| ${r.format} `));
      assert.ok(r.chunksPerStreamMin > 100 && r.responsesPerStreamMin > 150, `${r.format}: ${r.chunksPerStreamMin} msgs, ${r.responsesPerStreamMin} responses per stream-minute`);
      assert.ok(r.oursUsPerChunk > r.floorUsPerChunk && r.oursUsPerResponse > 0 && r.oursAllocKBPerStreamMin > 0, JSON.stringify(r));
    }
    for (const run of runs) {
      // Pacing never cut a message here (it keeps up with real time), so each went out as one frame, the start message aside.
      assert.ok(run.ours.framesPerChunk >= 1 && run.ours.framesPerChunk < 1.1, `${run.format}: ${run.ours.framesPerChunk} frames per message`);
      assert.deepEqual(run.ours.warnings, [], `${run.format} warned`);
    }
  });

  it("runs timers in due order on its virtual clock, and skips cancelled ones", () => {
    const clock = new VirtualClock();
    const seen = [];
    clock.setTimeout(() => seen.push("b"), 20);
    const cancelled = clock.setTimeout(() => seen.push("x"), 10);
    clock.setTimeout(() => {
      seen.push(`a@${clock.now()}`);
      clock.setTimeout(() => seen.push(`c@${clock.now()}`), 5);
    }, 10);
    clock.clearTimeout(cancelled);
    clock.advanceTo(30);
    assert.deepEqual(seen, ["a@10", "c@15", "b"]);
    assert.equal(clock.now(), 30);
  });

  it("sends each word final once, FINAL_LAG behind, and later words as non-final", () => {
    const first = JSON.parse(responseText(3000, 0).text);
    assert.equal(first.final_audio_proc_ms, 1000);
    assert.ok(first.tokens.some((t) => t.is_final) && first.tokens.some((t) => !t.is_final));
    const { text, finalMs } = responseText(3280, 1000);
    assert.equal(finalMs, 1280);
    for (const t of JSON.parse(text).tokens) assert.ok(t.end_ms > 1000, "a word final before is not sent again");
  });
});
