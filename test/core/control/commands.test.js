"use strict";
const assert = require("assert");
const FakeTimers = require("@sinonjs/fake-timers");
const { InlineStream } = require("../../../dist/core/control/inline");
const { FinalizeLimiter, QuietTimer, parsePushToTalk, toWire } = require("../../../dist/core/control/commands");
const { pcm, tone, silence, wav, chunks } = require("./vad-generate");

const S16 = { format: "pcm_s16le", sampleRate: 16000, channels: 1 };
const CHUNK_100MS = 3200;

/** Feeds chunks and returns a flat log: "+resume", "audio", "finalize:500"... in send order. */
function drive(stream, buffers, props = {}) {
  const log = [];
  const name = (c) => (c.type === "finalize" ? `finalize:${c.trailing_silence_ms}` : c.type);
  for (const b of buffers) {
    const d = stream.chunk(b, props);
    for (const c of d.before) log.push(name(c));
    log.push(d.pass ? "audio" : "held");
    for (const c of d.after) log.push(name(c));
    if (d.warning) log.push(`warn:${d.warning}`);
  }
  return log;
}

const audio = (n) => Array(n).fill("audio");

describe("InlineStream (audio-time decisions)", function () {
  it("sends finalize after the chunk that completes the silence span, with the silence measured", function () {
    const s = new InlineStream();
    const log = drive(s, chunks(pcm(S16, [tone(1000), silence(1000)]), CHUNK_100MS));
    assert.deepStrictEqual(log, [...audio(15), "finalize:500", ...audio(5)]);
    assert.strictEqual(s.audioMs, 2000);
  });

  it("does not finalize silence that follows no speech", function () {
    assert.deepStrictEqual(drive(new InlineStream(), chunks(pcm(S16, [silence(3000)]), CHUNK_100MS)), audio(30));
  });

  it("holds a second finalize back until the minimum interval of audio time has passed", function () {
    const s = new InlineStream({ minFinalizeIntervalMs: 2000 });
    const buf = pcm(S16, [tone(300), silence(600), tone(300), silence(2000)]);
    const log = drive(s, chunks(buf, CHUNK_100MS));
    // First finalize at 800 ms of audio; the second speech ends at 1200 ms, and 500 ms later the
    // limiter still needs 2800 ms, where the trailing silence has reached 1600 ms.
    assert.deepStrictEqual(log, [...audio(8), "finalize:500", ...audio(20), "finalize:1600", ...audio(4)]);
  });

  it("gives the same decisions for one big chunk as for many small ones (file read at once)", function () {
    const buf = pcm(S16, [tone(400), silence(700)]);
    assert.deepStrictEqual(drive(new InlineStream(), [buf]), ["audio", "finalize:700"]);
  });

  it("pauses after long silence and resumes BEFORE the speech chunk that ends it", function () {
    const s = new InlineStream({ longSilenceAction: "pause", longSilenceMs: 2000 });
    const buf = pcm(S16, [tone(500), silence(2500), tone(300)]);
    const log = drive(s, chunks(buf, CHUNK_100MS));
    assert.deepStrictEqual(log, [
      ...audio(10),
      "finalize:500",
      ...audio(15),
      "pause",
      ...audio(5),
      "resume",
      ...audio(3),
    ]);
  });

  it("stops after long silence, withholds silent audio, then starts the stream before speech", function () {
    const s = new InlineStream({ longSilenceAction: "stop", longSilenceMs: 1000 });
    const buf = pcm(S16, [tone(200), silence(1300), tone(200)]);
    const log = drive(s, chunks(buf, CHUNK_100MS));
    assert.deepStrictEqual(log, [
      ...audio(7),
      "finalize:500",
      ...audio(5),
      "stop",
      "held",
      "held",
      "held",
      "start",
      "audio",
      "audio",
    ]);
  });

  it("skips a WAV header and uses its format (8 kHz here) for audio time", function () {
    const file = wav(pcm({ ...S16, sampleRate: 8000 }, [tone(600), silence(600)]), 8000);
    // First chunk: the 44-byte header plus 100 ms; then 100 ms chunks. msg.rate is overridden by the header.
    const s = new InlineStream();
    const log = drive(s, [file.subarray(0, 44 + 1600), ...chunks(file.subarray(44 + 1600), 1600)], { rate: 16000 });
    assert.deepStrictEqual(log, [...audio(11), "finalize:500", "audio"]);
    assert.strictEqual(s.audioMs, 1200);
  });

  it("waits for a WAV header split across tiny chunks", function () {
    const data = pcm(S16, [tone(200), silence(600)]);
    const s = new InlineStream();
    const log = drive(s, [...chunks(wav(data).subarray(0, 40), 10), wav(data).subarray(40)]);
    assert.deepStrictEqual(log, [...audio(4), "audio", "finalize:600"]);
    assert.strictEqual(s.audioMs, 800);
  });

  it("reads the format from sox-record properties (8-bit mu-law here)", function () {
    const spec = { format: "mulaw", sampleRate: 8000, channels: 1 };
    const s = new InlineStream();
    const log = drive(s, chunks(pcm(spec, [tone(300), silence(500)]), 800), { rate: 8000, bits: 8, encoding: "mu-law" });
    assert.deepStrictEqual(log, [...audio(8), "finalize:500"]);
  });

  it("warns once for container audio and passes it through without commands", function () {
    const ogg = Buffer.concat([Buffer.from("OggS"), Buffer.alloc(5000)]);
    const log = drive(new InlineStream(), [ogg, Buffer.alloc(4000), Buffer.alloc(4000)]);
    assert.strictEqual(log.length, 4);
    assert.match(log[1], /^warn:ogg audio cannot be analysed/);
    assert.deepStrictEqual([log[0], log[2], log[3]], audio(3));
  });

  it("warns once when the message declares audio it cannot analyse", function () {
    const log = drive(new InlineStream(), [Buffer.alloc(5000), Buffer.alloc(5000)], { encoding: "gsm-full-rate" });
    assert.deepStrictEqual(log.length, 3);
    assert.match(log[1], /msg\.encoding "gsm-full-rate"/);
  });

  it("rejects settings that make no sense, naming them", function () {
    assert.throws(() => new InlineStream({ silenceMs: 0 }), /Silence before finalize/);
    assert.throws(() => new InlineStream({ minFinalizeIntervalMs: -1 }), /Minimum finalize interval/);
  });
});

describe("control command helpers", function () {
  it("writes msg.control the way the transcribe node reads it", function () {
    assert.strictEqual(toWire({ type: "pause" }), "pause");
    assert.strictEqual(toWire({ type: "finalize" }), "finalize");
    assert.deepStrictEqual(toWire({ type: "finalize", trailing_silence_ms: 300 }), { type: "finalize", trailing_silence_ms: 300 });
  });

  it("reads push-to-talk values from buttons, switches and MQTT strings", function () {
    for (const v of [true, 1, "on", "ON ", "true", "pressed", "down"]) assert.strictEqual(parsePushToTalk(v), true, String(v));
    for (const v of [false, 0, "off", "false", "released", "up", ""]) assert.strictEqual(parsePushToTalk(v), false, String(v));
    assert.throws(() => parsePushToTalk({ on: true }), /Push-to-talk needs msg.payload true\/false .* got \{"on":true\}/);
    assert.throws(() => parsePushToTalk("maybe"), /got "maybe"/);
  });

  it("FinalizeLimiter says how long to wait", function () {
    const l = new FinalizeLimiter(2000);
    assert.strictEqual(l.waitAt(0), 0);
    l.sentAt(100);
    assert.strictEqual(l.waitAt(1100), 1000);
    assert.strictEqual(l.waitAt(2100), 0);
  });
});

describe("QuietTimer (wall clock)", function () {
  let clock;
  let fake;
  beforeEach(function () {
    fake = FakeTimers.createClock(0);
    clock = { now: () => fake.now, setTimeout: (fn, ms) => fake.setTimeout(fn, ms), clearTimeout: (h) => fake.clearTimeout(h) };
  });

  it("calls onQuiet after the source is quiet, repeats while quiet, and stops at the limit", function () {
    const calls = [];
    const t = new QuietTimer(clock, {
      keepaliveAfterMs: 10000,
      limitMs: 35000,
      onQuiet: () => calls.push(["quiet", fake.now]),
      onLimit: () => calls.push(["limit", fake.now]),
    });
    fake.tick(4000);
    t.touch(); // audio at 4 s: the quiet span starts again
    fake.tick(60000);
    assert.deepStrictEqual(calls, [
      ["quiet", 14000],
      ["quiet", 24000],
      ["quiet", 34000],
      ["limit", 39000],
    ]);
    assert.strictEqual(fake.countTimers(), 0);
  });

  it("leaves no timer behind after dispose", function () {
    const t = new QuietTimer(clock, { keepaliveAfterMs: 1000, limitMs: 0, onQuiet: () => assert.fail("fired"), onLimit: () => {} });
    t.dispose();
    fake.tick(5000);
    assert.strictEqual(fake.countTimers(), 0);
  });
});
