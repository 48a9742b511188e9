"use strict";
// The bench's targets table with --repeat: each round's contenders are paired, a round in which
// either fell behind or failed drops out, and the median over the remaining rounds decides.
const assert = require("node:assert/strict");
const { evaluateTargets, evaluateFormatTargets } = require("../../scripts/bench/targets");

function row(contender, round, cpu, p99, extra = {}) {
  return {
    contender,
    round,
    streams: 200,
    streamsKeptRealTime: 200,
    cpuSecondsPerStreamMinute: cpu,
    latencyMs: { p50: 0.1, p99, max: p99 },
    rssPerSessionKB: 160,
    rssLessYoungPerSessionKB: 100,
    ...extra,
  };
}

const find = (targets, prefix) => targets.find((t) => t.target.startsWith(prefix));

describe("bench targets over rounds", () => {
  it("pairs each round and lets the median decide", () => {
    const loadRows = [
      row("nr-floor", 1, 0.1, 5), row("nodered", 1, 0.11, 5.5), // 1.10x, +0.5 ms
      row("nr-floor", 2, 0.1, 2), row("nodered", 2, 0.13, 9), //  1.30x, +7 ms
      row("nr-floor", 3, 0.1, 4), row("nodered", 3, 0.112, 4.2), // 1.12x, +0.2 ms
    ];
    const targets = evaluateTargets({ loadRows, capacity: [], connectRows: [] });
    const cpu = find(targets, "CPU per stream-minute, ours / nr-floor");
    assert.equal(cpu.met, true);
    assert.match(cpu.measured, /^1\.12x \(median of 3: 1\.10x, 1\.30x, 1\.12x\) at N=200$/);
    const latency = find(targets, "latency p99");
    assert.equal(latency.met, true);
    assert.match(latency.measured, /excess median 0\.50 ms/);
    assert.equal(find(targets, "CPU per stream-minute, ours / nr-sdk").met, null);
  });

  it("drops a round in which either contender failed or fell behind", () => {
    const loadRows = [
      row("nr-floor", 1, 0.1, 5), row("nodered", 1, 0.13, 5),
      { contender: "nr-floor", round: 2, streams: 200, failed: "crashed" }, row("nodered", 2, 0.1, 5),
      row("nr-floor", 3, 0.1, 5), row("nodered", 3, 0.1, 5, { streamsKeptRealTime: 150 }),
    ];
    const cpu = find(evaluateTargets({ loadRows, capacity: [], connectRows: [] }), "CPU per stream-minute, ours / nr-floor");
    assert.equal(cpu.measured, "1.30x at N=200");
    assert.equal(cpu.met, false);
  });

  it("judges one round as before", () => {
    const loadRows = [row("nr-floor", 1, 0.1, 5), row("nodered", 1, 0.12, 6.5)];
    const targets = evaluateTargets({ loadRows, capacity: [], connectRows: [] });
    assert.equal(find(targets, "CPU per stream-minute, ours / nr-floor").measured, "1.20x at N=200");
    const latency = find(targets, "latency p99");
    assert.equal(latency.measured, "6.50 vs 5.00 ms at N=200");
    assert.equal(latency.met, false);
    assert.equal(find(targets, "memory per open session (RSS), ours at N=200").measured, "160 KB");
  });

  it("pairs the capacity searches of each round and lets the median decide", () => {
    const search = (contender, round, capacity) => ({ contender, round, capacity, capacityLabel: String(capacity) });
    const capacity = [
      search("floor", 1, 750), search("nr-floor", 1, 600), search("nodered", 1, 475), // 0.79x
      search("floor", 2, 1000), search("nr-floor", 2, 850), search("nodered", 2, 800), // 0.94x
      search("floor", 3, 900), search("nr-floor", 3, 0), search("nodered", 3, 700), // nr-floor held nothing: dropped
      search("floor", 4, 900), search("nr-floor", 4, 800), search("nodered", 4, 750), // 0.94x
    ];
    const cap = find(evaluateTargets({ loadRows: [], capacity, connectRows: [] }), "capacity");
    assert.equal(cap.measured, "0.94x (median of 3: 475 / 600 = 0.79x, 800 / 850 = 0.94x, 750 / 800 = 0.94x)");
    assert.equal(cap.met, true);
    const one = find(evaluateTargets({ loadRows: [], capacity: capacity.slice(0, 3), connectRows: [] }), "capacity");
    assert.equal(one.measured, "475 / 600 = 0.79x");
    assert.equal(one.met, false);
  });
});

describe("bench targets per format (--format)", () => {
  const formatRow = (contender, format, round, cpu, allocMB, extra = {}) =>
    row(contender, round, cpu, 5, { format, gc: { allocatedMBPerStreamMinute: allocMB }, ...extra });

  it("pairs ours with nr-floor on the same format and round, never across formats", () => {
    const loadRows = [
      formatRow("nr-floor", "pcm", 1, 0.05, 5), formatRow("nodered", "pcm", 1, 0.06, 6), // 1.20x, 1.20x
      formatRow("nr-floor", "webm-opus", 1, 0.1, 4), formatRow("nodered", "webm-opus", 1, 0.11, 4.4), // 1.10x, 1.10x
      formatRow("nr-floor", "ogg-opus", 1, 0.2, 8), formatRow("nodered", "ogg-opus", 1, 0.3, 10, { rssLessYoungPerSessionKB: 170 }), // 1.50x, 1.25x
      formatRow("nodered-transcode", "ogg-opus", 1, 0.5, 20),
    ];
    const targets = evaluateFormatTargets({ loadRows, capacity: [] });
    assert.deepEqual(
      targets.map((t) => [t.target, t.measured, t.met]),
      [
        ["CPU per stream-minute, ours / nr-floor, webm-opus", "1.10x at N=200", true],
        ["CPU per stream-minute, ours / nr-floor, ogg-opus", "1.50x at N=200", false],
        ["allocation per stream-minute, ours / nr-floor, pcm", "1.20x at N=200", false],
        ["allocation per stream-minute, ours / nr-floor, webm-opus", "1.10x at N=200", true],
        ["allocation per stream-minute, ours / nr-floor, ogg-opus", "1.25x at N=200", false],
        ["capacity, ours on webm-opus / ours on pcm (--find-max)", "-", null],
        ["memory per open session (RSS without young generation), ours, pcm", "100 KB at N=200", true],
        ["memory per open session (RSS without young generation), ours, webm-opus", "100 KB at N=200", true],
        ["memory per open session (RSS without young generation), ours, ogg-opus", "170 KB at N=200", false],
      ],
    );
  });

  it("leaves a format nr-floor did not run on not measured, and the PCM targets to PCM rows", () => {
    const loadRows = [formatRow("nr-floor", "pcm", 1, 0.05, 5), formatRow("nodered", "pcm", 1, 0.06, 6), formatRow("nodered", "mp3", 1, 0.01, 1)];
    const targets = evaluateFormatTargets({ loadRows, capacity: [] });
    assert.equal(find(targets, "CPU per stream-minute, ours / nr-floor, mp3").met, null);
    assert.equal(find(targets, "allocation per stream-minute, ours / nr-floor, mp3").measured, "-");
    // The mp3 row's far lower CPU must not reach the PCM target, which pairs PCM rows only.
    assert.equal(find(evaluateTargets({ loadRows, capacity: [], connectRows: [] }), "CPU per stream-minute, ours / nr-floor").measured, "1.20x at N=200");
  });

  it("compares ours' WebM/Opus capacity with ours' PCM capacity, round by round", () => {
    const search = (format, contender, round, capacity) => ({ format, contender, round, capacity, capacityLabel: String(capacity) });
    const capacity = [
      search("pcm", "floor", 1, 900), search("pcm", "nodered", 1, 600), search("webm-opus", "floor", 1, 800), search("webm-opus", "nodered", 1, 500), // 0.83x
      search("pcm", "nodered", 2, 700), search("webm-opus", "nodered", 2, 700), // 1.00x
      search("pcm", "nodered", 3, 650), search("webm-opus", "nodered", 3, 620), // 0.95x
    ];
    const cap = find(evaluateFormatTargets({ loadRows: [], capacity }), "capacity, ours on webm-opus");
    assert.equal(cap.measured, "0.95x (median of 3: 500 / 600 = 0.83x, 700 / 700 = 1.00x, 620 / 650 = 0.95x)");
    assert.equal(cap.met, true);
    // PCM's own capacity target still pairs ours with nr-floor on PCM only.
    assert.equal(find(evaluateTargets({ loadRows: [], capacity, connectRows: [] }), "capacity").measured, "-");
  });
});
