"use strict";
// The reconnect policy and hand-over with a fake clock and fake transport: exact delays, exact
// bytes, no real time.
const assert = require("assert");
const { TranscriptionStream } = require("../../../dist/core/session/stream");
const { reconnectDelay, DEFAULT_RECONNECT } = require("../../../dist/core/session/reconnect-policy");
const { SonioxError } = require("../../../dist/core/errors");
const { fakeClock, fakeTransportFactory } = require("../../support/fake-transport");

const START = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };
const BPMS = 32;

function pcm(ms, seed) {
  const b = Buffer.alloc(ms * BPMS);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

function makeStream(overrides = {}) {
  const clock = fakeClock();
  const transport = fakeTransportFactory();
  const stream = new TranscriptionStream({
    key: "k",
    url: "ws://127.0.0.1:1/x",
    apiKey: "key",
    authMethod: "header",
    start: START,
    transport,
    clock,
    keepaliveIntervalMs: 8000,
    connectTimeoutMs: 5000,
    finishTimeoutMs: 5000,
    pacing: false,
    maxQueuedBytes: 1 << 24,
    idleTimeoutMs: 0,
    reconnect: { ...DEFAULT_RECONNECT, random: () => 0.5 },
    heartbeatIntervalMs: 0,
    ...overrides,
  });
  const events = { restarts: [], closes: [], warnings: [], responses: [] };
  stream.on("restart", (r) => events.restarts.push(r));
  stream.on("closed", (c) => events.closes.push(c));
  stream.on("warning", (w) => events.warnings.push(w));
  stream.on("response", (r) => events.responses.push(r));
  return { stream, clock, transport, events };
}

describe("reconnect policy", function () {
  const policy = { ...DEFAULT_RECONNECT, random: () => 0.5 };
  it("retries 503 at once, then backs off exponentially, capped", function () {
    const e503 = new SonioxError(503, "x");
    assert.deepStrictEqual([1, 2, 3, 4, 5, 6].map((n) => reconnectDelay(policy, e503, n)), [0, 2000, 4000, 8000, 16000, 30000]);
    const e500 = new SonioxError(500, "x");
    assert.deepStrictEqual([1, 2, 3].map((n) => reconnectDelay(policy, e500, n)), [1000, 2000, 4000]);
  });
  it("waits longer after 429", function () {
    assert.strictEqual(reconnectDelay(policy, new SonioxError(429, "x"), 1), 10000);
  });
  it("jitters between half and one and a half times the delay", function () {
    const e = new SonioxError(500, "x");
    assert.strictEqual(reconnectDelay({ ...policy, random: () => 0 }, e, 2), 1000);
    assert.strictEqual(reconnectDelay({ ...policy, random: () => 0.999999 }, e, 2), 3000);
  });
});

describe("TranscriptionStream reconnect", function () {
  it("replays exactly the audio Soniox had not finalized, then the audio that came during the gap, with timestamps offset", function () {
    const { stream, clock, transport, events } = makeStream();
    const a = pcm(1000, 1);
    stream.audio(a);
    const t1 = transport.last();
    t1.open();
    t1.result({ tokens: [{ text: " hi", is_final: true, start_ms: 100, end_ms: 400 }], final_audio_proc_ms: 600, total_audio_proc_ms: 1000 });
    t1.result({ tokens: [], error_code: 503, error_message: "Cannot continue request (code 1)." });
    assert.strictEqual(stream.state, "reconnecting");
    const b = pcm(200, 2);
    stream.audio(b);
    clock.tick(0);
    const t2 = transport.last();
    assert.notStrictEqual(t1, t2);
    assert.deepStrictEqual(t2.sent, [], "nothing before open");
    t2.open();
    assert.deepStrictEqual(JSON.parse(t2.sent[0].text), START);
    assert.ok(t2.audio().equals(Buffer.concat([a.subarray(600 * BPMS), b])), "replay from 600 ms, then the gap's audio");
    assert.deepStrictEqual(events.restarts, [{ session: 2, reason: "reconnect", offset_ms: 600, error: { code: 503, message: "Soniox error 503: Cannot continue request (code 1)." } }]);
    t2.result({ tokens: [{ text: " there", is_final: true, start_ms: 50, end_ms: 300 }], final_audio_proc_ms: 300, total_audio_proc_ms: 600 });
    const last = events.responses[events.responses.length - 1];
    assert.deepStrictEqual([last.tokens[0].start_ms, last.tokens[0].end_ms], [650, 900]);
    assert.strictEqual(last.final_audio_proc_ms, 900);
    assert.strictEqual(stream.sessionNumber, 2);
    assert.strictEqual(events.closes.length, 0);
  });

  it("moves unsent audio and commands over in order, and ends the new session if stop was asked", function () {
    const { stream, clock, transport, events } = makeStream({ pacing: true });
    stream.audio(pcm(3000, 3));
    const t1 = transport.last();
    t1.open();
    stream.control({ type: "finalize", trailing_silence_ms: 200 });
    stream.control({ type: "stop" });
    t1.serverClose(1006, "");
    clock.tick(1000);
    const t2 = transport.last();
    t2.open();
    clock.tick(5000);
    const kinds = t2.kinds().filter((k, i, all) => !(k === "audio" && all[i - 1] === "audio"));
    assert.deepStrictEqual(kinds, ["start", "audio", "finalize", "eos"]);
    assert.strictEqual(t2.audio().length, 3000 * BPMS, "all 3 s: nothing was finalized, nothing lost");
    t2.result({ tokens: [], final_audio_proc_ms: 3000, total_audio_proc_ms: 3000, finished: true });
    assert.deepStrictEqual(events.closes, [{ reason: "finished" }]);
  });

  it("gives up after the attempt limit and reports the last error", function () {
    const { stream, clock, transport, events } = makeStream({ reconnect: { ...DEFAULT_RECONNECT, maxAttempts: 2, random: () => 0.5 } });
    stream.audio(pcm(100, 4));
    for (let i = 0; i < 3; i++) {
      const t = transport.last();
      t.open();
      t.result({ tokens: [], error_code: 500, error_message: "boom" });
      clock.tick(3000); // past the backoff (1 s, then 2 s), short of the 5 s connect timeout
    }
    assert.strictEqual(transport.made.length, 3);
    assert.strictEqual(events.closes.length, 1);
    assert.strictEqual(events.closes[0].error.code, 500);
    assert.match(events.closes[0].error.message, /gave up after 2 reconnect attempts/);
  });

  it("does not reconnect on 401 or when switched off", function () {
    const a = makeStream();
    a.stream.audio(pcm(100, 5));
    a.transport.last().open();
    a.transport.last().result({ tokens: [], error_code: 401, error_message: "Invalid API key." });
    assert.strictEqual(a.transport.made.length, 1);
    assert.strictEqual(a.events.closes[0].error.code, 401);
    const b = makeStream({ reconnect: { ...DEFAULT_RECONNECT, enabled: false } });
    b.stream.audio(pcm(100, 5));
    b.transport.last().open();
    b.transport.last().result({ tokens: [], error_code: 503, error_message: "x" });
    b.clock.tick(60000);
    assert.strictEqual(b.transport.made.length, 1);
    assert.strictEqual(b.events.closes[0].error.code, 503);
  });

  it("keeps a paused stream paused across a reconnect", function () {
    const { stream, clock, transport } = makeStream();
    stream.audio(pcm(100, 6));
    transport.last().open();
    stream.control({ type: "pause" });
    transport.last().serverClose(1006, "");
    clock.tick(2000);
    transport.last().open();
    assert.strictEqual(stream.state, "paused");
    stream.audio(pcm(100, 7));
    assert.strictEqual(transport.last().audio().length, 0, "audio while paused is not sent");
  });

  it("cancel during the backoff stops everything", function () {
    const { stream, clock, transport, events } = makeStream();
    stream.audio(pcm(100, 8));
    transport.last().open();
    transport.last().result({ tokens: [], error_code: 500, error_message: "x" });
    stream.cancel();
    clock.tick(60000);
    assert.strictEqual(transport.made.length, 1, "the replacement never connected");
    assert.deepStrictEqual(events.closes, [{ reason: "canceled" }]);
  });

  it("rotates after the configured audio at an endpoint, ending the old session gracefully", function () {
    const { stream, transport, events } = makeStream({ rotation: { afterMs: 1000, graceMs: 60000 } });
    stream.audio(pcm(1200, 9));
    const t1 = transport.last();
    t1.open();
    t1.result({ tokens: [{ text: " a", is_final: true, start_ms: 0, end_ms: 300 }], final_audio_proc_ms: 800, total_audio_proc_ms: 1200 });
    assert.strictEqual(transport.made.length, 1, "no rotation without a quiet moment");
    t1.result({ tokens: [{ text: "<end>", is_final: true }], final_audio_proc_ms: 1200, total_audio_proc_ms: 1200 });
    assert.strictEqual(transport.made.length, 2);
    assert.deepStrictEqual(t1.kinds().slice(-1), ["eos"], "the old session is ended gracefully");
    const t2 = transport.last();
    t2.open();
    assert.deepStrictEqual(events.restarts, [{ session: 2, reason: "rotation", offset_ms: 1200 }]);
    stream.audio(pcm(100, 10));
    assert.strictEqual(t2.audio().length, 100 * BPMS);
    t1.result({ tokens: [], final_audio_proc_ms: 1200, total_audio_proc_ms: 1200, finished: true });
    assert.strictEqual(events.closes.length, 0, "the old session's finish is not the stream's");
    assert.ok(events.responses.every((r) => !r.finished));
  });
});
