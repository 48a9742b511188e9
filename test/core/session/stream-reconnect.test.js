"use strict";
// The reconnect policy and hand-over with a fake clock and fake transport: exact delays, exact
// bytes, no real time.
const assert = require("assert");
const { TranscriptionStream } = require("../../../dist/core/session/stream");
const { reconnectDelay, DEFAULT_RECONNECT } = require("../../../dist/core/session/reconnect-policy");
const { SonioxError } = require("../../../dist/core/errors");
const { fakeClock, fakeTransportFactory, fakeStreamOptions } = require("../../support/fake-transport");

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
  const stream = new TranscriptionStream(fakeStreamOptions(transport, clock, { start: START, ...overrides }));
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
    t1.result({ tokens: [{ text: " hi", is_final: true, start_ms: 100, end_ms: 400 }, { text: "<end>", is_final: true }], final_audio_proc_ms: 600, total_audio_proc_ms: 1000 });
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
    assert.deepStrictEqual(events.restarts, [{ session: 2, reason: "reconnect", offset_ms: 600, skipped_ms: 0, error: { code: 503, message: "Soniox error 503: Cannot continue request (code 1)." } }]);
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

  it("pause, then stop, then the connection fails: the replacement gets the finalize and the end, and nothing throws", function () {
    const { stream, clock, transport, events } = makeStream();
    stream.audio(pcm(500, 16));
    stream.control({ type: "pause" });
    stream.control({ type: "stop" });
    transport.last().fail("connect timeout");
    clock.tick(3000);
    const t2 = transport.last();
    assert.notStrictEqual(t2, transport.made[0], "a replacement connects");
    t2.open();
    clock.tick(1000);
    assert.deepStrictEqual(t2.kinds().filter((k, i, all) => !(k === "audio" && all[i - 1] === "audio")), ["start", "audio", "finalize", "eos"]);
    t2.result({ tokens: [], final_audio_proc_ms: 500, total_audio_proc_ms: 500, finished: true });
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

  it("retries an upgrade refused with HTTP 502 or 504 (a proxy in front of Soniox) like a transport error", function () {
    for (const status of [502, 504]) {
      const { stream, clock, transport, events } = makeStream();
      stream.audio(pcm(100, 15));
      transport.last().fail(`Soniox refused the connection with HTTP ${status}`, status);
      clock.tick(3000);
      assert.strictEqual(transport.made.length, 2, `HTTP ${status} is retried`);
      assert.strictEqual(events.closes.length, 0);
    }
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

  it("keeps a paused stream paused across a reconnect, replaying and finalizing what Soniox had not finalized", function () {
    const { stream, clock, transport, events } = makeStream();
    const a = pcm(1000, 6);
    stream.audio(a);
    const t1 = transport.last();
    t1.open();
    t1.result({ tokens: [{ text: " one", is_final: true, start_ms: 0, end_ms: 300 }, { text: "<end>", is_final: true }], final_audio_proc_ms: 400, total_audio_proc_ms: 1000 });
    stream.control({ type: "pause" });
    t1.serverClose(1006, "");
    clock.tick(2000);
    const t2 = transport.last();
    t2.open();
    assert.strictEqual(stream.state, "paused");
    assert.ok(t2.audio().equals(a.subarray(400 * BPMS)), "the unfinalized 600 ms go out again");
    assert.deepStrictEqual(t2.kinds().filter((k, i, all) => !(k === "audio" && all[i - 1] === "audio")), ["start", "audio", "finalize"]);
    stream.audio(pcm(100, 7));
    assert.strictEqual(t2.audio().length, 600 * BPMS, "audio while paused is not sent");
    t2.result({ tokens: [{ text: " two", is_final: true, start_ms: 100, end_ms: 500 }, { text: "<fin>", is_final: true }], final_audio_proc_ms: 600, total_audio_proc_ms: 600 });
    const words = events.responses.flatMap((r) => r.tokens).filter((t) => t.is_final && t.start_ms !== undefined);
    assert.deepStrictEqual(words.map((t) => [t.text, t.start_ms]), [[" one", 0], [" two", 500]]);
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

  it("rotates once the session is old (wall clock) at an endpoint, ending the old session gracefully", function () {
    const { stream, clock, transport, events } = makeStream({ rotation: { afterMs: 1000, graceMs: 60000 } });
    stream.audio(pcm(1200, 9));
    const t1 = transport.last();
    t1.open();
    clock.tick(1000);
    t1.result({ tokens: [{ text: " a", is_final: true, start_ms: 0, end_ms: 300 }], final_audio_proc_ms: 800, total_audio_proc_ms: 1200 });
    assert.strictEqual(transport.made.length, 1, "no rotation without a quiet moment");
    t1.result({ tokens: [{ text: "<end>", is_final: true }], final_audio_proc_ms: 1200, total_audio_proc_ms: 1200 });
    assert.strictEqual(transport.made.length, 2);
    assert.deepStrictEqual(t1.kinds().slice(-1), ["eos"], "the old session is ended gracefully");
    const t2 = transport.last();
    t2.open();
    assert.deepStrictEqual(events.restarts, [], "the marker waits for the old session's last words");
    stream.audio(pcm(100, 10));
    assert.strictEqual(t2.audio().length, 100 * BPMS);
    t1.result({ tokens: [], final_audio_proc_ms: 1200, total_audio_proc_ms: 1200, finished: true });
    assert.deepStrictEqual(events.restarts, [{ session: 2, reason: "rotation", offset_ms: 1200, skipped_ms: 0 }]);
    assert.strictEqual(events.closes.length, 0, "the old session's finish is not the stream's");
    assert.ok(events.responses.every((r) => !r.finished));
    assert.deepStrictEqual(events.responses.map((r) => r.session), [1, 1, 1]);
  });

  it("rotates while paused, counting paused time toward the session's age", function () {
    const { stream, clock, transport, events } = makeStream({ rotation: { afterMs: 5000, graceMs: 60000 } });
    stream.audio(pcm(500, 11));
    transport.last().open();
    stream.control({ type: "pause" });
    clock.tick(5000);
    assert.strictEqual(transport.made.length, 2, "a paused session is rotated at once");
    transport.made[0].result({ tokens: [], final_audio_proc_ms: 500, total_audio_proc_ms: 500, finished: true });
    transport.last().open();
    assert.strictEqual(stream.state, "paused");
    assert.deepStrictEqual(events.restarts.map((r) => r.reason), ["rotation"]);
  });

  it("rotates instead of failing when Soniox says the audio is too long", function () {
    const { stream, clock, transport, events } = makeStream();
    const a = pcm(1000, 12);
    stream.audio(a);
    const t1 = transport.last();
    t1.open();
    t1.result({ tokens: [], final_audio_proc_ms: 1000, total_audio_proc_ms: 1000 });
    t1.result({ tokens: [], error_code: 400, error_message: "Audio is too long." });
    clock.tick(0);
    transport.last().open();
    assert.strictEqual(events.closes.length, 0);
    assert.deepStrictEqual(events.restarts.map((r) => [r.reason, r.offset_ms]), [["rotation", 1000]]);
  });

  it("drops final words a replay hears again, and counts them", function () {
    const { stream, clock, transport, events } = makeStream();
    stream.audio(pcm(1000, 13));
    const t1 = transport.last();
    t1.open();
    t1.result({ tokens: [{ text: " one", is_final: true, start_ms: 100, end_ms: 500 }, { text: "<end>", is_final: true }], final_audio_proc_ms: 450, total_audio_proc_ms: 1000 });
    t1.serverClose(1006, "");
    clock.tick(2000);
    transport.last().open();
    // Soniox's cut was early: the new session (from 450 ms) hears the tail of " one" again.
    transport.last().result({ tokens: [{ text: " one", is_final: true, start_ms: 0, end_ms: 50 }, { text: " two", is_final: true, start_ms: 100, end_ms: 400 }], final_audio_proc_ms: 550, total_audio_proc_ms: 550 });
    const words = events.responses.flatMap((r) => r.tokens).filter((t) => t.is_final && t.text !== "<end>");
    assert.deepStrictEqual(words.map((t) => [t.text, t.start_ms]), [[" one", 100], [" two", 550]]);
    assert.strictEqual(stream.stats.repeatedFinalsDropped, 1);
  });

  it("says what a replay bound cost: a warning and skipped_ms, and the offset stays true", function () {
    const { stream, clock, transport, events } = makeStream({ maxReplayBytes: 500 * BPMS });
    for (let i = 0; i < 10; i++) stream.audio(pcm(100, 14 + i));
    const t1 = transport.last();
    t1.open();
    t1.result({ tokens: [], final_audio_proc_ms: 200, total_audio_proc_ms: 1000 });
    t1.serverClose(1006, "");
    clock.tick(2000);
    transport.last().open();
    assert.strictEqual(transport.last().audio().length, 500 * BPMS);
    assert.deepStrictEqual(events.restarts.map((r) => [r.offset_ms, r.skipped_ms]), [[500, 300]]);
    assert.ok(events.warnings.some((w) => /skipped 300 ms/.test(w)), events.warnings.join("\n"));
  });
});
