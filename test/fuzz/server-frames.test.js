"use strict";
// Server-side fuzzing of the stream core (TranscriptionStream over the fake transport and a fake
// clock): random garbage frames between the real results of a stream. Garbage the protocol says to
// tolerate must leave the transcript exactly as the real results make it; error frames must end
// the stream with a clear SonioxError; nothing may throw, and no timer may outlive the stream.
const assert = require("assert");
const { TranscriptionStream } = require("../../dist/core/session/stream");
const { SonioxError } = require("../../dist/core/errors");
const { UtteranceAssembler } = require("../../dist/core/filter/utterance");
const { DEFAULT_RECONNECT } = require("../../dist/core/session/reconnect-policy");
const { fakeClock, fakeTransportFactory } = require("../support/fake-transport");
const { prng, fuzzSettings } = require("./prng");
const { tolerableFrame, fatalFrame } = require("./frame-generators");

const START = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1, enable_endpoint_detection: true };
const WORDS = ["alpha", " beta", " gamma", " delta"];
const { seed: SEED, cases: CASES } = fuzzSettings(4242, 3000, 30000);

function newStream() {
  const clock = fakeClock();
  const transport = fakeTransportFactory();
  const stream = new TranscriptionStream({
    key: "fuzz",
    url: "ws://127.0.0.1:1/transcribe-websocket",
    apiKey: "sk-fuzz",
    authMethod: "header",
    start: START,
    transport,
    clock,
    keepaliveIntervalMs: 8000,
    connectTimeoutMs: 10000,
    finishTimeoutMs: 10000,
    pacing: false,
    maxQueuedBytes: 16 * 1024 * 1024,
    idleTimeoutMs: 60000,
    reconnect: { ...DEFAULT_RECONNECT, enabled: false },
  });
  const seen = { responses: [], utterances: [], warnings: [], closed: [] };
  const assembler = new UtteranceAssembler();
  stream.on("response", (r) => {
    seen.responses.push(r);
    seen.utterances.push(...assembler.push(r.tokens, r.finished));
  });
  stream.on("warning", (w) => seen.warnings.push(w));
  stream.on("closed", (c) => seen.closed.push(c));
  return { stream, clock, transport, seen };
}

/** True when the frame is no JSON object at all, which the client reports as one warning. */
function isUnreadable(frame) {
  if (frame.binary) return true;
  try {
    const v = JSON.parse(frame.text);
    return typeof v !== "object" || v === null || Array.isArray(v);
  } catch {
    return true;
  }
}

function deliver(t, frame) {
  if (frame.binary) t.raw("", true);
  else t.raw(frame.text);
}

function wordResult(i) {
  const ms = (i + 1) * 400;
  return { tokens: [{ text: WORDS[i], is_final: true, start_ms: ms - 300, end_ms: ms, confidence: 0.9 }], final_audio_proc_ms: ms, total_audio_proc_ms: ms + 100 };
}

/** Runs one case; returns what was fed so the caller can count it. */
function runCase(r) {
  const { stream, clock, transport, seen } = newStream();
  stream.audio(Buffer.alloc(3200, 1));
  const t = transport.last();
  t.open();
  const plan = WORDS.map((_, i) => ({ word: i }));
  const garbage = [];
  for (let k = r.int(1, 6); k > 0; k--) {
    const frame = tolerableFrame(r);
    garbage.push(frame);
    plan.splice(r.int(0, plan.length), 0, { frame });
  }
  const fatal = r.chance(0.25) ? fatalFrame(r) : null;
  const fatalAt = fatal ? r.int(0, plan.length) : -1;
  if (fatal) plan.splice(fatalAt, 0, { fatal: fatal.frame });

  let wordsBeforeFatal = null;
  let unreadable = 0;
  plan.forEach((item, i) => {
    if (r.chance(0.3)) clock.tick(r.int(0, 9000));
    if (item.fatal) {
      wordsBeforeFatal = plan.slice(0, i).filter((p) => p.word !== undefined).length;
      t.result(item.fatal);
    } else if (item.frame) {
      if (!stream.isClosed && isUnreadable(item.frame)) unreadable++;
      deliver(t, item.frame);
    } else t.result(wordResult(item.word));
  });
  if (!fatal) {
    stream.control({ type: "stop" });
    assert.strictEqual(t.texts().at(-1), "", "end of stream went out as an empty text frame");
    t.result({ tokens: [], final_audio_proc_ms: 2000, total_audio_proc_ms: 2000, finished: true });
  }

  const finalText = seen.responses.map((x) => x.final_text).join("");
  assert.strictEqual(seen.closed.length, 1, "the stream closed exactly once");
  const closed = seen.closed[0];
  if (fatal) {
    assert.strictEqual(closed.reason, "failed");
    assert.ok(closed.error instanceof SonioxError, "a SonioxError, for Catch");
    assert.strictEqual(closed.error.code, fatal.code);
    assert.strictEqual(closed.error.retryable, false);
    assert.match(closed.error.message, /^Soniox error \d+: ./s);
    assert.ok(closed.error.message.length < 400, "error text stays short");
    assert.strictEqual(finalText, WORDS.slice(0, wordsBeforeFatal).join(""), "nothing is delivered after the error frame");
    assert.strictEqual(t.terminated, true, "the socket is torn down");
  } else {
    assert.strictEqual(closed.reason, "finished", `finished, not ${closed.reason} ${closed.error ? closed.error.message : ""}`);
    assert.strictEqual(finalText, WORDS.join(""), "garbage changed the transcript");
    assert.strictEqual(seen.utterances.map((u) => u.text).join(" ").replace(/\s+/g, " "), WORDS.join("").trim());
    assert.strictEqual(t.closed, 1000);
  }
  // A kind of bad frame is said once, then counted (src/core/session/warning-limiter.ts).
  const accounted = seen.warnings
    .filter((w) => /frame/.test(w))
    .reduce((n, w) => {
      const flushed = w.match(/^(\d+) more like this were suppressed: /);
      if (flushed) return n + Number(flushed[1]);
      const interval = w.match(/\((\d+) more like this suppressed\)$/);
      return n + (interval ? Number(interval[1]) + 1 : 1);
    }, 0);
  assert.strictEqual(accounted, unreadable, "every unreadable frame is warned about or counted");
  for (const w of seen.warnings) assert.ok(w.length <= 300, `warning too long (${w.length} chars)`);
  for (const x of seen.responses) JSON.stringify(x); // a debug node must be able to show it
  assert.strictEqual(clock.fake.countTimers(), 0, "no timer outlives the stream");
  return { frames: garbage.length, fatal: fatal !== null, unreadable };
}

describe("fuzz: server frames into the stream core (fake transport, fake clock)", function () {
  this.timeout(process.env.FUZZ_LONG === "1" ? 600000 : 30000);

  it(`survives tolerable garbage with the transcript intact and ends on error frames (${CASES} cases, seed ${SEED})`, function () {
    const r = prng(SEED);
    const totals = { frames: 0, fatal: 0, unreadable: 0 };
    for (let i = 0; i < CASES; i++) {
      let result;
      try {
        result = runCase(r);
      } catch (err) {
        err.message = `case ${i} (seed ${SEED}): ${err.message}`;
        throw err;
      }
      totals.frames += result.frames;
      totals.fatal += result.fatal ? 1 : 0;
      totals.unreadable += result.unreadable;
    }
    console.log(
      `      fuzz server frames (core): seed ${SEED}, ${CASES} streams, ${totals.frames} garbage frames ` +
        `(${totals.unreadable} unreadable), ${totals.fatal} error frames`,
    );
  });
});
