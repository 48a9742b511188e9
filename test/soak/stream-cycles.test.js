"use strict";
// Soak of the stream core in simulated time: thousands of stream lifetimes (graceful stop, cancel,
// error frame, pause/resume, connect timeout, reconnect after a dropped connection, idle timeout)
// on one fake clock. After every cycle no timer may be left; over all of them heap and handles
// must stay flat. SOAK_LONG=1 runs 100000 cycles.
const assert = require("assert");
const { TranscriptionStream } = require("../../dist/core/session/stream");
const { DEFAULT_RECONNECT } = require("../../dist/core/session/reconnect-policy");
const { fakeClock, fakeTransportFactory } = require("../support/fake-transport");
const { settledHeap, handles, mb } = require("./measure");

const START = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1, enable_endpoint_detection: true };
const CYCLES = process.env.SOAK_LONG === "1" ? 200000 : 20000;
const WARMUP = 500;
/** A leak of 50 bytes per cycle would show as 1 MB over the normal run. */
const HEAP_TOLERANCE = 1024 * 1024;

const clock = fakeClock();
const transport = fakeTransportFactory();
const audio = Buffer.alloc(3200, 1); // 100 ms

function newStream() {
  return new TranscriptionStream({
    key: "soak",
    url: "ws://127.0.0.1:1/transcribe-websocket",
    apiKey: "sk-soak",
    authMethod: "header",
    start: START,
    transport,
    clock,
    keepaliveIntervalMs: 8000,
    connectTimeoutMs: 10000,
    finishTimeoutMs: 10000,
    pacing: true,
    maxQueuedBytes: 1024 * 1024,
    idleTimeoutMs: 60000,
    reconnect: { ...DEFAULT_RECONNECT, random: () => 0.5 },
  });
}

const word = (ms) => ({ tokens: [{ text: " word", is_final: true, start_ms: ms - 100, end_ms: ms }], final_audio_proc_ms: ms, total_audio_proc_ms: ms });
const finished = (ms) => ({ tokens: [], final_audio_proc_ms: ms, total_audio_proc_ms: ms, finished: true });

/** Each lifetime ends with the reason it expects. */
const LIFETIMES = {
  stop(s) {
    s.audio(audio);
    const t = transport.last();
    t.open();
    t.result(word(100));
    s.control({ type: "stop" });
    clock.tick(200);
    t.result(finished(100));
    return "finished";
  },
  cancel(s) {
    s.audio(audio);
    transport.last().open();
    s.audio(audio);
    s.control({ type: "cancel" });
    return "canceled";
  },
  errorFrame(s) {
    s.audio(audio);
    const t = transport.last();
    t.open();
    t.result({ tokens: [], error_code: 400, error_message: "Bad request." });
    return "failed";
  },
  pauseResume(s) {
    s.control({ type: "start" });
    const t = transport.last();
    t.open();
    s.audio(audio);
    s.control({ type: "pause" });
    clock.tick(9000); // keepalive while paused
    s.control({ type: "resume" });
    s.audio(audio);
    s.control({ type: "finalize", trailing_silence_ms: 300 });
    s.control({ type: "stop" });
    clock.tick(300);
    t.result(finished(200));
    return "finished";
  },
  connectTimeout(s) {
    s.audio(audio);
    clock.tick(10000); // 1st attempt times out, then reconnects until it gives up
    for (let i = 0; i < DEFAULT_RECONNECT.maxAttempts; i++) clock.tick(40000);
    return "failed";
  },
  reconnect(s) {
    s.audio(audio);
    transport.last().open();
    transport.last().serverClose(1006, "");
    clock.tick(2000);
    const t = transport.last();
    t.open();
    t.result(word(100));
    s.control({ type: "stop" });
    clock.tick(200);
    t.result(finished(100));
    return "finished";
  },
  idle(s) {
    s.audio(audio);
    const t = transport.last();
    t.open();
    clock.tick(60000); // the idle timeout ends it gracefully
    t.result(finished(100));
    return "finished";
  },
};
const NAMES = Object.keys(LIFETIMES);

function cycle(i) {
  const name = NAMES[i % NAMES.length];
  const s = newStream();
  let closed = null;
  s.on("closed", (info) => (closed = info));
  s.on("warning", () => {});
  const expected = LIFETIMES[name](s);
  assert.ok(closed, `cycle ${i} (${name}) did not close`);
  assert.strictEqual(closed.reason, expected, `cycle ${i} (${name}): ${closed.error ? closed.error.message : ""}`);
  assert.strictEqual(clock.fake.countTimers(), 0, `cycle ${i} (${name}) left ${clock.fake.countTimers()} timers`);
  assert.strictEqual(s.session.listenerCount("result"), 0, `cycle ${i} (${name}) left session listeners`);
  s.removeAllListeners();
  transport.made.length = 0; // the test's own record of transports, not the code under test
}

describe("soak: stream lifetimes in simulated time (fake transport, fake clock)", function () {
  this.timeout(process.env.SOAK_LONG === "1" ? 600000 : 30000);

  it(`runs ${CYCLES} start/stop cycles with no timer left, heap and handles flat`, async function () {
    for (let i = 0; i < WARMUP; i++) cycle(i);
    const heapBefore = await settledHeap();
    const handlesBefore = handles().count;
    const started = Date.now();
    for (let i = 0; i < CYCLES; i++) {
      cycle(i);
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    const elapsed = Date.now() - started;
    const heapAfter = await settledHeap();
    const handlesAfter = handles().count;
    console.log(
      `      soak core: ${CYCLES} cycles (${NAMES.join(", ")}) in ${elapsed} ms; heap ${mb(heapBefore)} -> ${mb(heapAfter)} ` +
        `(${heapAfter >= heapBefore ? "+" : ""}${((heapAfter - heapBefore) / 1024).toFixed(0)} KB); handles ${handlesBefore} -> ${handlesAfter}`,
    );
    assert.ok(heapAfter - heapBefore < HEAP_TOLERANCE, `heap grew by ${mb(heapAfter - heapBefore)} over ${CYCLES} cycles`);
    assert.strictEqual(handlesAfter, handlesBefore);
  });
});
