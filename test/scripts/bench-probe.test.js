"use strict";
// The bench compares latency over the same responses at every contender's sink: ours passes only
// responses with final text through the token filter, nr-floor passes every response.
const assert = require("node:assert/strict");
const { Probe } = require("../../scripts/bench/probe");
const { hrMs } = require("../../scripts/bench/clock");

const token = (text, isFinal, sentAgoMs) => ({ text, is_final: isFinal, bench_sent_ms: hrMs() - sentAgoMs });

describe("bench probe latency populations", () => {
  it("keeps final-text responses apart from responses with any text", () => {
    const probe = new Probe();
    probe.recording = true;
    probe.sink([token(" hel", false, 50)]);
    probe.sink([token(" hello", true, 20), token(" wor", false, 20)]);
    probe.sink([token("<end>", true, 5)]);
    probe.sink([]);
    assert.equal(probe.sinkMessages, 4);
    assert.equal(probe.anyTextLatencies.length, 2);
    assert.equal(probe.latencies.length, 1);
    assert.ok(probe.latencies[0] >= 20 && probe.latencies[0] < 50, `final latency ${probe.latencies[0]}`);
  });

  it("does not count a marker as final text, nor record outside the window", () => {
    const probe = new Probe();
    probe.recording = true;
    probe.sink([token("<fin>", true, 5), token(" hi", false, 5)]);
    assert.deepEqual([probe.latencies.length, probe.anyTextLatencies.length], [0, 1]);
    probe.recording = false;
    probe.sink([token(" hello", true, 5)]);
    assert.deepEqual([probe.latencies.length, probe.anyTextLatencies.length], [0, 1]);
  });
});
