"use strict";
// Which streams "kept real time" in a --format run. Raw audio: the simulator's own lag reading.
// A container: the simulator counts its audio only once its ffmpeg has decoded it, so its lag
// reading includes the decoder; the bench reads how late the last message arrived against the
// plan's schedule instead, and still asks that the stream was heard whole.
const assert = require("node:assert/strict");
const { loadRow } = require("../../scripts/bench/report");

const mark = (at, cpuMs) => ({ at, cpuMs, sysMs: 0, children: {} });
const memory = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0, youngRss: 0, childRss: 0, childCount: 0 };

/** One run's row from the simulator's view of its connections (the contender's side kept trivial). */
function rowFor(plan, connections) {
  const result = {
    plan,
    cpuMarks: { window: mark(0, 0), end: mark(6000, 600) },
    memMarks: { base: memory, open: memory },
    latencies: [],
    anyTextLatencies: [],
    generator: { maxLateMs: 0, p99LateMs: 0 },
    errors: { samples: [], kinds: [], count: 0 },
    gc: null,
    peakRss: 0,
    sinkMessages: 0,
  };
  const sim = { marks: {}, connections: connections.map((c, i) => ({ ref: `s${i}`, finished: true, error: null, ...c })) };
  return loadRow({ contender: "nodered", streams: connections.length, seconds: 6, maxLagLimitMs: 500, result, sim });
}

describe("bench load row: streams kept in real time, per format", () => {
  const webm = { format: "webm-opus", count: 24, periodMs: 250, audioMs: 5981, lastDueMs: 5750 };

  it("does not charge a container's decoding to the contender: lag is the last message's arrival", () => {
    const onTime = { audioFormat: "auto", audioMs: 5960, maxLagMs: 620, firstAudioAt: 1000, lastAudioAt: 1000 + 5750 + 40 };
    const late = { ...onTime, lastAudioAt: 1000 + 5750 + 900 };
    const row = rowFor(webm, [onTime, late]);
    assert.equal(row.format, "webm-opus");
    assert.equal(row.streamsKeptRealTime, 1);
    assert.equal(Math.round(row.audioLag.maxMs), 900);
    assert.equal(Math.round(row.audioLag.simulatorMaxMs), 620);
  });

  it("still asks that a container stream was heard whole, less codec priming", () => {
    const primed = { audioFormat: "auto", audioMs: 5981 - 90, maxLagMs: 0, firstAudioAt: 0, lastAudioAt: 5750 };
    const cut = { ...primed, audioMs: 5981 - 300 };
    assert.equal(rowFor(webm, [primed, cut]).streamsKeptRealTime, 1);
  });

  it("reads raw audio by the simulator's own lag, as before (PCM, and ours transcoded to PCM)", () => {
    const pcm = { format: "pcm", count: 50, periodMs: 120, audioMs: 6000, lastDueMs: 5880 };
    const fine = { audioFormat: "pcm_s16le", audioMs: 6000, maxLagMs: 120, firstAudioAt: 0, lastAudioAt: 5880 };
    const behind = { ...fine, maxLagMs: 650 };
    assert.equal(rowFor(pcm, [fine, behind]).streamsKeptRealTime, 1);
    // A compressed format that ours converts: the simulator receives PCM and reads its lag itself.
    const transcoded = { ...fine, audioMs: 5981 - 1 };
    assert.equal(rowFor(webm, [transcoded, { ...transcoded, maxLagMs: 650 }]).streamsKeptRealTime, 1);
  });
});
