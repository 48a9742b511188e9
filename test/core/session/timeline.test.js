"use strict";
// The stream's one timeline: how each session's own audio time maps onto the stream's time when
// the stream dropped stretches (pause), replayed (reconnect) and rotated, in every combination.
// First the model alone, then a whole TranscriptionStream over the fake transport and a fake
// clock, playing Soniox's side by the rules Soniox's timestamps follow: a session's time counts
// only the audio it was sent.
const assert = require("assert");
const { StreamTimeline } = require("../../../dist/core/session/timeline");
const { TranscriptionStream } = require("../../../dist/core/session/stream");
const { RawMeter } = require("../../../dist/core/audio/audio-meter");
const { fakeClock, fakeTransportFactory, fakeStreamOptions } = require("../../support/fake-transport");

const SPEC = { format: "pcm_s16le", sampleRate: 16000, channels: 1 };
const BPMS = 32;
const START = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };

function timelineOf(ms) {
  const meter = new RawMeter(SPEC);
  meter.observe(Buffer.alloc(ms * BPMS));
  return new StreamTimeline(meter);
}

const at = (ms) => ms * BPMS;

describe("StreamTimeline (the model)", function () {
  it("maps a session's time past every dropped stretch after its start, and reads an edge as the stretch's start", function () {
    const t = timelineOf(10000);
    t.begin(1, 0);
    t.drop(at(3000), at(4000));
    t.drop(at(4000), at(5000)); // one pause, in two chunks: one stretch
    assert.strictEqual(t.toStream(1, 2000), 2000);
    assert.strictEqual(t.toStream(1, 3000), 3000, "the edge: the earlier reading");
    assert.strictEqual(t.toStream(1, 3001), 5001);
    assert.strictEqual(t.toStream(1, 5300), 7300);
    assert.strictEqual(t.heardMs(2000, 7300), 3300);
  });

  it("starts a replacement's time at its replay offset; stretches before that offset do not count", function () {
    const t = timelineOf(10000);
    t.begin(1, 0);
    t.drop(at(3000), at(5000));
    t.begin(2, 5500);
    t.end(1);
    assert.strictEqual(t.toStream(2, 0), 5500);
    assert.strictEqual(t.toStream(2, 1300), 6800);
    t.begin(3, 2500); // a replay from before the pause
    assert.strictEqual(t.toStream(3, 400), 2900);
    assert.strictEqual(t.toStream(3, 800), 5300, "hears 500 ms before the pause, then after it");
  });

  it("holds the resume limit at the start of the last final word while its utterance is open, not past the hold", function () {
    const t = timelineOf(20000);
    t.begin(1, 0);
    t.noteFinalWord(1000, 1200, true);
    t.noteFinalWord(1200, 1400, false); // " gre" + "at"
    t.confirm(1300);
    assert.strictEqual(t.resumeLimitMs, 1000, "inside the word: back to its start");
    t.noteUtteranceEnd();
    t.confirm(1500);
    assert.strictEqual(t.resumeLimitMs, 1500, "the utterance ended: what Soniox finalized");
    t.noteFinalWord(2000, 2300, true);
    t.confirm(4000);
    assert.strictEqual(t.resumeLimitMs, 2000, "an open utterance: its last word again");
    t.confirm(8000);
    assert.strictEqual(t.resumeLimitMs, 8000, "no endpoint came within the hold: detection is off, let go");
  });

  it("never moves the resume limit back before audio it already released", function () {
    const t = timelineOf(20000);
    t.begin(1, 0);
    t.confirm(3000);
    t.noteFinalWord(2500, 2900, true); // a late final word starting before what was released
    t.confirm(3100);
    assert.strictEqual(t.resumeLimitMs, 3000);
  });
});

function makeStream(overrides = {}) {
  const clock = fakeClock();
  const transport = fakeTransportFactory();
  const stream = new TranscriptionStream(fakeStreamOptions(transport, clock, { start: START, ...overrides }));
  const events = { restarts: [], responses: [], warnings: [] };
  stream.on("restart", (r) => events.restarts.push(r));
  stream.on("response", (r) => events.responses.push(r));
  stream.on("warning", (w) => events.warnings.push(w));
  return { stream, clock, transport, events };
}

/** Live audio in 100 ms chunks, the clock moving with it: a microphone that keeps sending while paused. */
function feed(stream, clock, fromMs, toMs) {
  for (let ms = fromMs; ms < toMs; ms += 100) {
    const chunk = Buffer.alloc(100 * BPMS);
    chunk.writeUInt32LE(ms, 0); // every chunk tells where it is in the file
    stream.audio(chunk);
    clock.tick(100);
  }
}

/** The source keeps sending while the stream is paused: that audio is dropped. */
function feedPaused(stream, clock, fromMs, toMs) {
  stream.control({ type: "pause" });
  feed(stream, clock, fromMs, toMs);
  stream.control({ type: "resume" });
}

/** The file position (ms) of every 100 ms chunk a transport was sent. */
function chunksSent(t) {
  const audio = t.audio();
  const out = [];
  for (let i = 0; i + 100 * BPMS <= audio.length; i += 100 * BPMS) out.push(audio.readUInt32LE(i));
  return out;
}

const word = (text, start_ms, end_ms) => ({ text, start_ms, end_ms, is_final: true });
const finals = (events) => events.responses.flatMap((r) => r.tokens).filter((t) => t.is_final && !t.text.startsWith("<"));

describe("StreamTimeline in a stream (fake clock): pause, replay and rotation together", function () {
  it("pause then a reconnect: no word repeated, every word at its time in the audio sent (the issue's live WAV)", function () {
    const { stream, clock, transport, events } = makeStream();
    feed(stream, clock, 0, 3000);
    const t1 = transport.last();
    t1.open();
    feedPaused(stream, clock, 3000, 5000);
    feed(stream, clock, 5000, 6800);
    // Session time leaves the pause out: file 5.0-6.8 s is 3.0-4.8 s to Soniox.
    t1.result({ tokens: [word("alpha", 500, 900), word(" bravo", 2000, 2400), { text: "<fin>", is_final: true }, word(" charlie", 3400, 3800), word(" foxtrot", 4000, 4300), { text: "<end>", is_final: true }], final_audio_proc_ms: 4500, total_audio_proc_ms: 4800 });
    t1.serverClose(1006, "");
    clock.tick(2000);
    const t2 = transport.last();
    t2.open();
    assert.deepStrictEqual(events.restarts.map((r) => [r.offset_ms, r.skipped_ms]), [[6500, 0]], "resumes at 4.5 s of session time: 6.5 s in the file");
    assert.strictEqual(chunksSent(t2)[0], 6500, "the replay starts where session time 4.5 s is in the file");
    feed(stream, clock, 6800, 7600);
    t2.result({ tokens: [word(" golf", 300, 700), word(" hotel", 800, 1100)], final_audio_proc_ms: 1100, total_audio_proc_ms: 1100 });
    assert.deepStrictEqual(finals(events).map((t) => [t.text, t.start_ms, t.end_ms]), [
      ["alpha", 500, 900],
      [" bravo", 2000, 2400],
      [" charlie", 5400, 5800],
      [" foxtrot", 6000, 6300],
      [" golf", 6800, 7200],
      [" hotel", 7300, 7600],
    ]);
  });

  it("a reconnect whose replay spans the pause: the new session's time skips the stretch too, repeats dropped", function () {
    const { stream, clock, transport, events } = makeStream();
    feed(stream, clock, 0, 3000);
    const t1 = transport.last();
    t1.open();
    t1.result({ tokens: [word("one", 1000, 1400), { text: "<end>", is_final: true }], final_audio_proc_ms: 2500, total_audio_proc_ms: 3000 });
    feedPaused(stream, clock, 3000, 5000);
    feed(stream, clock, 5000, 6000);
    t1.serverClose(1006, "");
    clock.tick(2000);
    const t2 = transport.last();
    t2.open();
    assert.deepStrictEqual(chunksSent(t2).slice(0, 7), [2500, 2600, 2700, 2800, 2900, 5000, 5100], "the replay leaves the paused stretch out, as the first session heard it");
    // 0-500 ms of session 2 is file 2.5-3.0 s, the rest is after the pause.
    t2.result({ tokens: [word(" two", 300, 450), word(" three", 700, 1000)], final_audio_proc_ms: 1200, total_audio_proc_ms: 1500 });
    assert.deepStrictEqual(finals(events).map((t) => [t.text, t.start_ms, t.end_ms]), [["one", 1000, 1400], [" two", 2800, 2950], [" three", 5200, 5500]]);
  });

  it("rotation after a pause, then a reconnect: each session's time from its own start, one timeline", function () {
    const { stream, clock, transport, events } = makeStream({ rotation: { afterMs: 4000, graceMs: 60000 } });
    feed(stream, clock, 0, 2000);
    const t1 = transport.last();
    t1.open();
    feedPaused(stream, clock, 2000, 3000);
    feed(stream, clock, 3000, 4000);
    // Session 1 heard 0-2 s and 3-4 s: 3 s of its own time.
    t1.result({ tokens: [word("a", 100, 400), word(" b", 2200, 2500), { text: "<end>", is_final: true }], final_audio_proc_ms: 3000, total_audio_proc_ms: 3000 });
    assert.strictEqual(transport.made.length, 2, "rotated at the endpoint once due");
    const t2 = transport.last();
    t2.open();
    t1.result({ tokens: [], final_audio_proc_ms: 3000, total_audio_proc_ms: 3000, finished: true });
    assert.deepStrictEqual(events.restarts.map((r) => [r.reason, r.offset_ms]), [["rotation", 4000]]);
    feed(stream, clock, 4000, 5000);
    t2.result({ tokens: [word(" c", 200, 500), { text: "<end>", is_final: true }], final_audio_proc_ms: 600, total_audio_proc_ms: 1000 });
    t2.serverClose(1006, "");
    clock.tick(2000);
    const t3 = transport.last();
    t3.open();
    assert.deepStrictEqual(events.restarts.map((r) => [r.reason, r.offset_ms]), [["rotation", 4000], ["reconnect", 4600]]);
    t3.result({ tokens: [word(" d", 100, 300)], final_audio_proc_ms: 400, total_audio_proc_ms: 400 });
    assert.deepStrictEqual(finals(events).map((t) => [t.text.trim(), t.start_ms]), [["a", 100], ["b", 3200], ["c", 4200], ["d", 4700]]);
  });

  it("a pause during the backoff: the replacement's time leaves out what came while it was paused", function () {
    const { stream, clock, transport, events } = makeStream();
    feed(stream, clock, 0, 1000);
    const t1 = transport.last();
    t1.open();
    t1.result({ tokens: [word("x", 100, 300), { text: "<end>", is_final: true }], final_audio_proc_ms: 800, total_audio_proc_ms: 1000 });
    t1.result({ tokens: [], error_code: 500, error_message: "boom" });
    feedPaused(stream, clock, 1000, 1500);
    feed(stream, clock, 1500, 2000);
    const t2 = transport.last();
    t2.open();
    assert.deepStrictEqual(chunksSent(t2), [800, 900, 1500, 1600, 1700, 1800, 1900]);
    t2.result({ tokens: [word(" y", 300, 500)], final_audio_proc_ms: 600, total_audio_proc_ms: 700 });
    assert.deepStrictEqual(finals(events).map((t) => [t.text, t.start_ms]), [["x", 100], [" y", 1600]]);
  });
});
